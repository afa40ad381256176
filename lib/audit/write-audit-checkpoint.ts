import { signCheckpoint, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { storedCheckpoint } from "@/lib/audit/stored-checkpoint";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";

/**
 * Refuses to sign a head that contradicts the newest checkpoint: signing it would vouch for a chain that lost or
 * replaced events that checkpoint vouched for. `audit verify` names what is missing.
 */
async function assertHeadFollowsNewestCheckpoint(head: { seq: bigint; hash: string }): Promise<void> {
  const newest = await db().auditCheckpoint.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  if (!newest) return;
  if (newest.seq > head.seq) {
    throw new AppError(
      "conflict",
      `The audit chain ends at event ${head.seq} but checkpoint #${newest.seq} vouches for events up to ${newest.seq}: events ${head.seq + 1n}..${newest.seq} are missing. Run: audit verify`,
    );
  }
  const vouched = newest.seq === head.seq ? head : await db().auditEvent.findUnique({ where: { seq: newest.seq }, select: { hash: true } });
  if (vouched?.hash !== newest.hash) {
    throw new AppError("conflict", `Event ${newest.seq} is not the event checkpoint #${newest.seq} vouches for: the chain was rewritten. Run: audit verify`);
  }
}

/**
 * Signs the chain's head and keeps the checkpoint twice: in the AuditCheckpoint table, which verification cross-checks,
 * and as a line in the JSON log, where an external log store holds a copy that deleting rows cannot reach. `verified`:
 * a head the caller has just verified link by link (audit verify); otherwise the current head, after checking that it
 * still extends the newest checkpoint. Idempotent per event: whoever signs a seq first (any instance) wins, and the
 * others get that checkpoint back. Returns null when the log is empty. `log: false`: the caller shows the checkpoint
 * itself (a CLI command, whose standard output is its answer).
 */
export async function writeAuditCheckpoint(
  verified?: { seq: bigint; hash: string },
  { log = true }: { log?: boolean } = {},
): Promise<AuditCheckpoint | null> {
  let head = verified;
  if (!head) {
    head = (await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } })) ?? undefined;
    if (!head) return null;
    await assertHeadFollowsNewestCheckpoint(head);
  }
  const signed = signCheckpoint(head);
  const { count } = await db().auditCheckpoint.createMany({
    data: [{ seq: head.seq, hash: signed.hash, at: new Date(signed.at), issuer: signed.issuer, signature: signed.signature }],
    skipDuplicates: true,
  });
  if (count === 0) {
    const existing = storedCheckpoint(await db().auditCheckpoint.findUniqueOrThrow({ where: { seq: head.seq } }));
    if (existing.hash !== head.hash) {
      throw new AppError("conflict", `Checkpoint #${head.seq} vouches for another event ${head.seq} than the chain holds now. Run: audit verify`);
    }
    return existing;
  }
  if (log) logger.info("audit checkpoint", { auditCheckpoint: signed });
  return signed;
}
