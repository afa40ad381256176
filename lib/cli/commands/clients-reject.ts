import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { rejectClient } from "@/lib/clients/reject-client";

export default defineCommand({
  name: "clients reject",
  summary: "Reject a pending client: it never obtains a token",
  positionals: "<client-id>",
  options: {
    reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
  },
  schema: z.object({
    _: z.tuple([z.string()], { error: "give exactly one client id" }),
    reason: z.string({ error: "--reason is required" }),
  }),
  async run(options, io) {
    const result = await rejectClient(options._[0], options.reason, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`Rejected ${result.name} (${result.clientId}).`);
    return 0;
  },
});
