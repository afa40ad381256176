import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { suspendClient } from "@/lib/clients/suspend-client";

export default defineCommand({
  name: "clients suspend",
  summary: "Suspend an active client: its tokens are refused at once; its grants are kept (revoke them with grants revoke --client)",
  positionals: "<client-id>",
  options: {
    reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
  },
  schema: z.object({
    _: z.tuple([z.string()], { error: "give exactly one client id" }),
    reason: z.string({ error: "--reason is required" }),
  }),
  async run(options, io) {
    const result = await suspendClient(options._[0], options.reason, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`Suspended ${result.name} (${result.clientId}): its tokens are refused until it is reactivated. To end its grants too: revoke them.`);
    return 0;
  },
});
