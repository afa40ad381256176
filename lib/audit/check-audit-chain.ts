import type { AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import type { AuditContext } from "@/lib/audit/context";
import { recordAudit } from "@/lib/audit/record-audit";
import { verifyAuditChain, type ChainReport, type VerifyOptions } from "@/lib/audit/verify-audit-chain";
import { verifyAuditChainInDatabase } from "@/lib/audit/verify-audit-chain-in-database";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { db } from "@/lib/db/client";

export interface ChainCheck extends ChainReport {
  /** The signed checkpoint of the head just verified, to keep outside the database (null when broken or empty). */
  checkpoint: AuditCheckpoint | null;
}

/**
 * Verifies the hash chain against every signed checkpoint (and any given) — from the first event, or from the newest
 * signed checkpoint (`since`) — for someone, and records that they did, with the outcome (`audit.verified`). An intact head is checkpointed, so each verification anchors what it saw
 * (and logs it, unless `logCheckpoint` is false: the CLI prints it instead).
 */
export async function checkAuditChain(
  ctx: AuditContext,
  options: VerifyOptions & { logCheckpoint?: boolean; inDatabase?: boolean } = {},
): Promise<ChainCheck> {
  // A full verification may hand the hashing to PostgreSQL (verifyAuditChainInDatabase says what that trusts).
  const report = options.inDatabase && options.since !== "checkpoint" ? await verifyAuditChainInDatabase(db(), options) : await verifyAuditChain(db(), options);
  const head = report.ok ? report.head : null;
  const checkpoint = head ? await writeAuditCheckpoint({ seq: BigInt(head.seq), hash: head.hash }, { log: options.logCheckpoint ?? true }) : null;
  await recordAudit({
    kind: "audit.verified",
    actor: ctx.actor,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: report.ok
      ? `audit chain intact: ${report.checked} event(s) verified${report.from ? ` after signed checkpoint #${report.from.seq}` : " from the first"}${report.head ? ` up to #${report.head.seq}` : ""}, against ${report.checkpoints.checked} signed checkpoint(s)`
      : `audit chain broken at #${report.firstBreak!.seq}: ${report.firstBreak!.message}`,
    detail: {
      ok: report.ok,
      checked: report.checked,
      from: report.from,
      head: report.head,
      firstBreak: report.firstBreak,
      checkpoints: report.checkpoints,
      rate: report.rate,
      ...(options.inDatabase ? { hashedBy: "database" } : {}),
    },
  });
  return { ...report, checkpoint };
}
