import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { approveClient } from "@/lib/clients/approve-client";

export default defineCommand({
  name: "clients approve",
  summary: "Approve a pending client so it can obtain tokens",
  positionals: "<client-id>",
  options: {
    reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
    scope: { type: "string", value: "<scope>", multiple: true, description: "Set the client's allowed scopes (repeat; replaces the default allow-list)" },
    scopes: { type: "string", value: "<a,b,…>", description: "The same, as one comma- or space-separated list" },
    "service-user": { type: "string", value: "<email>", description: "Service identity a client_credentials client acts as" },
  },
  schema: z.object({
    _: z.tuple([z.string()], { error: "give exactly one client id" }),
    reason: z.string({ error: "--reason is required" }),
    scope: z.array(z.string()).optional(),
    scopes: z.string().optional(),
    "service-user": z.string().optional(),
  }),
  async run(options, io) {
    const listed = options.scopes?.split(/[\s,]+/).filter(Boolean);
    const scopes = options.scope || listed ? [...(options.scope ?? []), ...(listed ?? [])] : undefined;
    const result = await approveClient(options._[0], options.reason, CLI_CONTEXT, { scopes, serviceUser: options["service-user"] });
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`Approved ${result.name} (${result.clientId}).`);
    return 0;
  },
});
