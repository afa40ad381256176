import { z } from "zod";
import { CLI_CONTEXT, recordAudit, verifyAuditChain } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { db } from "@/lib/db/client";

export default defineCommand({
  name: "audit verify",
  summary: "Check the audit log's hash chain; exits 1 at the first broken link",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const report = await verifyAuditChain(db());
    await recordAudit({
      kind: "audit.verified",
      actor: CLI_CONTEXT.actor,
      reason: report.ok ? `chain intact through event ${report.head?.seq ?? 0}` : `chain broken: ${report.firstBreak!.message}`,
      detail: { ok: report.ok, checked: report.checked, head: report.head, firstBreak: report.firstBreak },
    });
    if (io.json) io.out(JSON.stringify(report));
    else if (report.ok) {
      io.out(`Audit chain intact: ${report.checked} event(s) verified.`);
      if (report.head) io.out(`Head: event ${report.head.seq}, hash ${report.head.hash}`);
    } else {
      io.err(`Audit chain BROKEN after ${report.checked} good event(s): ${report.firstBreak!.message}.`);
    }
    return report.ok ? 0 : 1;
  },
});
