import { z } from "zod";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";

export default defineCommand({
  name: "approvals deny",
  summary: "Deny a held call",
  positionals: "<request-id>",
  options: { note: { type: "string", value: "<text>", description: "Why, for the audit log" } },
  schema: z.object({ _: z.array(z.string()).length(1, "give the approval request id"), note: z.string().optional() }),
  async run(options, io) {
    const result = await decideApproval(options._[0], "deny", CLI_CONTEXT, options.note ?? "");
    if (io.json) io.out(JSON.stringify({ id: options._[0], ...result }));
    else io.out(result.status === "expired" ? `Request ${options._[0]} had expired; nothing was decided.` : `Request ${options._[0]} is ${result.status}.`);
    return result.status === "expired" ? 1 : 0;
  },
});
