import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { reactivateClient } from "@/lib/clients/reactivate-client";

export default defineCommand({
  name: "clients reactivate",
  summary: "Reactivate a suspended client: the grants it kept count again",
  positionals: "<client-id>",
  options: {
    reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
  },
  schema: z.object({
    _: z.tuple([z.string()], { error: "give exactly one client id" }),
    reason: z.string({ error: "--reason is required" }),
  }),
  async run(options, io) {
    const result = await reactivateClient(options._[0], options.reason, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`Reactivated ${result.name} (${result.clientId}).`);
    return 0;
  },
});
