import { z } from "zod";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { defineCommand, table } from "@/lib/cli/command";
import { db } from "@/lib/db/client";

export default defineCommand({
  name: "approvals list",
  summary: "Held calls awaiting a second person's approval (--all: decided ones too)",
  options: { all: { type: "boolean", description: "Include approved, denied, used, expired and void requests" } },
  schema: z.object({ _: z.array(z.string()).max(0), all: z.boolean().default(false) }),
  async run(options, io) {
    const approvals = await listApprovals(db(), { status: options.all ? "all" : "pending" });
    if (io.json) {
      io.out(JSON.stringify(approvals));
      return 0;
    }
    if (approvals.length === 0) {
      io.out(options.all ? "No approval requests." : "No calls are waiting for approval.");
      return 0;
    }
    const rows = approvals.map((a) => [a.id, a.status, a.tool, a.caller, a.client, a.args.replace(/\s+/g, " ").slice(0, 60), a.expiresAt.toISOString()]);
    table(rows, ["REQUEST", "STATUS", "TOOL", "CALLER", "CLIENT", "ARGUMENTS", "EXPIRES"]).forEach((line) => io.out(line));
    return 0;
  },
});
