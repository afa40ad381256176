import type { AuditContext } from "@/lib/audit/context";
import { recordAudit } from "@/lib/audit/record-audit";
import { verifyAuditChain, type ChainReport } from "@/lib/audit/verify-audit-chain";
import { db } from "@/lib/db/client";

/** Verifies the whole hash chain for someone and records that they did, with the outcome (`audit.verified`). */
export async function checkAuditChain(ctx: AuditContext): Promise<ChainReport> {
  const report = await verifyAuditChain(db());
  await recordAudit({
    kind: "audit.verified",
    actor: ctx.actor,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: report.ok
      ? `audit chain intact: ${report.checked} event(s) verified${report.head ? ` up to #${report.head.seq}` : ""}`
      : `audit chain broken at #${report.firstBreak!.seq}: ${report.firstBreak!.message}`,
    detail: { ok: report.ok, checked: report.checked, head: report.head, firstBreak: report.firstBreak },
  });
  return report;
}
