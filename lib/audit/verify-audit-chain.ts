import { checkpointSignatureValid, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
import { storedCheckpoint } from "@/lib/audit/stored-checkpoint";
import type { Db } from "@/lib/db/client";

export interface ChainBreak {
  seq: string;
  problem: "sequence_gap" | "prev_hash_mismatch" | "hash_mismatch" | "checkpoint_forged" | "checkpoint_mismatch" | "tail_missing";
  message: string;
  /**
   * The events a signed checkpoint vouches for that the chain no longer holds (tail_missing), or no longer holds as they
   * were signed (checkpoint_mismatch: replaced or rewritten somewhere in this range).
   */
  missing?: { from: string; to: string };
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  head: { seq: string; hash: string } | null;
  firstBreak: ChainBreak | null;
  /** The signed checkpoints the chain was held against (stored and given), and the newest of them. */
  checkpoints: { checked: number; newest: { seq: string; at: string } | null };
}

export interface VerifyOptions {
  /** Checkpoints kept outside the database (an exported checkpoint, the JSON log's lines): held against it too. */
  anchors?: AuditCheckpoint[];
}

type Anchor = AuditCheckpoint & { source: "stored" | "given" };

const BATCH = 5_000;

const where = (anchor: Anchor) => (anchor.source === "stored" ? "stored" : "given");

/**
 * Walks the whole chain in order and reports the first link that does not hold, then holds the chain against every
 * signed checkpoint: the hash chain alone cannot tell a log whose tail was deleted (or which was rewritten from some
 * event on, hashes recomputed) from an intact one; a checkpoint signed with the deployment's key can.
 */
export async function verifyAuditChain(database: Db, { anchors = [] }: VerifyOptions = {}): Promise<ChainReport> {
  // Checkpoints first: each vouches for an event already committed, so the walk that follows must find it.
  const stored = await database.auditCheckpoint.findMany({ orderBy: { seq: "asc" } });
  const all: Anchor[] = [...stored.map((row) => ({ ...storedCheckpoint(row), source: "stored" as const })), ...anchors.map((a) => ({ ...a, source: "given" as const }))];
  const newestAnchor = all.reduce<Anchor | null>((newest, a) => (!newest || BigInt(a.seq) > BigInt(newest.seq) ? a : newest), null);
  const checkpoints = { checked: all.length, newest: newestAnchor ? { seq: newestAnchor.seq, at: newestAnchor.at } : null };
  const broken = (checked: number, firstBreak: ChainBreak): ChainReport => ({ ok: false, checked, head: null, firstBreak, checkpoints });

  const forged = all.find((a) => !checkpointSignatureValid(a));
  if (forged) {
    return broken(0, {
      seq: forged.seq,
      problem: "checkpoint_forged",
      message: `the ${where(forged)} checkpoint #${forged.seq} does not carry this deployment's signature: it was forged, altered, or signed by another deployment`,
    });
  }
  const bySeq = new Map<bigint, Anchor[]>();
  for (const anchor of all) bySeq.set(BigInt(anchor.seq), [...(bySeq.get(BigInt(anchor.seq)) ?? []), anchor]);

  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let after = 0n;
  // The newest event a checkpoint vouched for that still matches: a replaced range starts after it.
  let lastVouched = 0n;
  for (;;) {
    const rows = await database.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: BATCH });
    for (const row of rows) {
      const fail = (problem: ChainBreak["problem"], message: string) => broken(checked, { seq: row.seq.toString(), problem, message });
      if (row.seq !== expectedSeq) {
        return fail("sequence_gap", `event ${expectedSeq} is missing: the chain jumps to ${row.seq}`);
      }
      if (row.prevHash !== prevHash) {
        return fail("prev_hash_mismatch", `event ${row.seq} does not follow event ${row.seq - 1n} (deleted or reordered)`);
      }
      if (chainHash(prevHash, row) !== row.hash) {
        return fail("hash_mismatch", `event ${row.seq} was changed after it was written`);
      }
      const contradicted = bySeq.get(row.seq)?.find((a) => a.hash !== row.hash);
      if (contradicted) {
        return broken(checked, {
          seq: row.seq.toString(),
          problem: "checkpoint_mismatch",
          message: `event ${row.seq} is not the event the ${where(contradicted)} checkpoint #${row.seq} (signed ${contradicted.at}) vouches for: events ${lastVouched + 1n}..${row.seq} were deleted and replaced, or rewritten`,
          missing: { from: (lastVouched + 1n).toString(), to: row.seq.toString() },
        });
      }
      if (bySeq.has(row.seq)) lastVouched = row.seq;
      prevHash = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].seq;
  }

  const headSeq = expectedSeq - 1n;
  if (newestAnchor && BigInt(newestAnchor.seq) > headSeq) {
    const from = (headSeq + 1n).toString();
    return broken(checked, {
      seq: from,
      problem: "tail_missing",
      message: `events ${from}..${newestAnchor.seq} are missing: the chain ends at ${headSeq === 0n ? "no event (it is empty)" : `event ${headSeq}`}, but the ${where(newestAnchor)} checkpoint #${newestAnchor.seq} (signed ${newestAnchor.at}) vouches for events up to ${newestAnchor.seq}`,
      missing: { from, to: newestAnchor.seq },
    });
  }
  return { ok: true, checked, head: checked > 0 ? { seq: headSeq.toString(), hash: prevHash } : null, firstBreak: null, checkpoints };
}
