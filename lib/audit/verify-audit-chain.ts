import { auditCheckpointSchema, checkpointSignatureValid, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
import { storedCheckpoint } from "@/lib/audit/stored-checkpoint";
import type { AuditRecord } from "@/lib/audit/types";
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
  /** Events whose links and hashes were recomputed: since `from`, or all of them. */
  checked: number;
  head: { seq: string; hash: string } | null;
  firstBreak: ChainBreak | null;
  /** The signed checkpoints the chain was held against (stored and given), and the newest of them. */
  checkpoints: { checked: number; newest: { seq: string; at: string } | null };
  /** Where the walk started: the signed checkpoint it trusted, or null for the first event (a full verification). */
  from: { seq: string; at: string } | null;
  elapsedMs: number;
  /** Events checked per second. */
  rate: number;
}

export interface VerifyProgress {
  checked: number;
  /** The last event checked. */
  seq: string;
  elapsedMs: number;
}

export interface VerifyOptions {
  /** Checkpoints kept outside the database (an exported checkpoint, the JSON log's lines): held against it too. */
  anchors?: AuditCheckpoint[];
  /**
   * `genesis` (the default) recomputes every event from the first; `checkpoint` starts after the newest signed
   * checkpoint whose event still holds, so a routine verification costs the events written since.
   */
  since?: "genesis" | "checkpoint";
  /**
   * A point the caller has already verified link by link (verifyAuditChainInDatabase): the walk continues after it,
   * and every checkpoint at or before it is held against the hash its event carries.
   */
  verifiedUpTo?: { seq: bigint; hash: string };
  /** Called after each batch of events (a full verification of a large log takes a while). */
  onProgress?: (progress: VerifyProgress) => void;
}

type Anchor = AuditCheckpoint & { source: "stored" | "given" };

const BATCH = 10_000;

/** The next events after `after`, in order: one raw statement (the walk reads the whole log; this is its hot loop). */
function readBatch(database: Db, after: bigint): Promise<AuditRecord[]> {
  return database.$queryRawUnsafe<AuditRecord[]>(
    `SELECT "seq", "at", "kind", "actor", "subject", "clientId", "tool", "scopes", "decision", "reason", "requestId", "ip", "detail", "prevHash", "hash"
     FROM "AuditEvent" WHERE "seq" > $1 ORDER BY "seq" LIMIT ${BATCH}`,
    after,
  );
}

const where = (anchor: Anchor) => (anchor.source === "stored" ? "stored" : "given");

/**
 * Walks the chain in order and reports the first link that does not hold, then holds the chain against every signed
 * checkpoint: the hash chain alone cannot tell a log whose tail was deleted (or which was rewritten from some event on,
 * hashes recomputed) from an intact one; a checkpoint signed with the deployment's key can.
 *
 * From a checkpoint (`since: "checkpoint"`), the walk starts after the newest stored checkpoint whose event is still
 * the one it signed (its hash recomputed from its content and its link), and every older checkpoint is held against
 * the hash its event carries. Events before that checkpoint are not recomputed: an edit to one that left its stored
 * hash alone is found by a full verification (and is refused by the database's append-only triggers to begin with).
 */
export async function verifyAuditChain(database: Db, { anchors = [], since = "genesis", verifiedUpTo, onProgress }: VerifyOptions = {}): Promise<ChainReport> {
  const started = performance.now();
  // Checkpoints first: each vouches for an event already committed, so the walk that follows must find it.
  const stored = await database.auditCheckpoint.findMany({ orderBy: { seq: "asc" } });
  const all: Anchor[] = [...stored.map((row) => ({ ...storedCheckpoint(row), source: "stored" as const })), ...anchors.map((a) => ({ ...a, source: "given" as const }))];
  const newestAnchor = all.reduce<Anchor | null>((newest, a) => (!newest || BigInt(a.seq) > BigInt(newest.seq) ? a : newest), null);
  const checkpoints = { checked: all.length, newest: newestAnchor ? { seq: newestAnchor.seq, at: newestAnchor.at } : null };
  let from: ChainReport["from"] = null;
  const timing = (checked: number) => {
    const elapsedMs = performance.now() - started;
    return { from, elapsedMs, rate: elapsedMs > 0 ? Math.round((checked * 1000) / elapsedMs) : 0 };
  };
  const broken = (checked: number, firstBreak: ChainBreak): ChainReport => ({ ok: false, checked, head: null, firstBreak, checkpoints, ...timing(checked) });

  // Retention archived (and dropped) the oldest months: the chain now starts after the newest archive's last event,
  // vouched for by the checkpoint signed into that archive (verify the archives themselves with `audit archive verify`).
  const archive = await database.auditArchive.findFirst({ orderBy: { lastSeq: "desc" } });
  const archived = archive ? auditCheckpointSchema.safeParse(archive.checkpoint) : null;
  if (archive && (!archived?.success || !checkpointSignatureValid(archived.data) || archived.data.seq !== archive.lastSeq.toString() || archived.data.hash !== archive.lastHash)) {
    return broken(0, {
      seq: archive.lastSeq.toString(),
      problem: "checkpoint_forged",
      message: `the checkpoint of archive ${archive.file} (events up to #${archive.lastSeq}) does not carry this deployment's signature for that event: it was forged or altered`,
    });
  }
  const archivedUpTo = archive?.lastSeq ?? 0n;
  const forged = all.find((a) => !checkpointSignatureValid(a));
  if (forged) {
    return broken(0, {
      seq: forged.seq,
      problem: "checkpoint_forged",
      message: `the ${where(forged)} checkpoint #${forged.seq} does not carry this deployment's signature: it was forged, altered, or signed by another deployment`,
    });
  }
  const bySeq = new Map<bigint, Anchor[]>();
  // Checkpoints inside archived months were held against their events when the months were archived.
  for (const anchor of all.filter((a) => BigInt(a.seq) > archivedUpTo)) bySeq.set(BigInt(anchor.seq), [...(bySeq.get(BigInt(anchor.seq)) ?? []), anchor]);

  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let after = 0n;
  // The newest event a checkpoint vouched for that still matches: a replaced range starts after it.
  let lastVouched = 0n;
  if (archive && archived?.success) {
    from = { seq: archived.data.seq, at: archived.data.at };
    expectedSeq = archive.lastSeq + 1n;
    prevHash = archive.lastHash;
    after = archive.lastSeq;
    lastVouched = after;
  }
  const start = since === "checkpoint" ? await provenStart(database, stored.map(storedCheckpoint)) : null;
  if (start) {
    const older = await olderAnchorMismatch(database, all.filter((a) => BigInt(a.seq) > archivedUpTo), BigInt(start.seq));
    if (older) return broken(0, older);
    from = { seq: start.seq, at: start.at };
    expectedSeq = BigInt(start.seq) + 1n;
    prevHash = start.hash;
    after = BigInt(start.seq);
    lastVouched = after;
  }
  if (verifiedUpTo && verifiedUpTo.seq > after) {
    const older = await olderAnchorMismatch(database, all.filter((a) => BigInt(a.seq) > archivedUpTo), verifiedUpTo.seq);
    if (older) return broken(0, older);
    expectedSeq = verifiedUpTo.seq + 1n;
    prevHash = verifiedUpTo.hash;
    after = verifiedUpTo.seq;
    lastVouched = after;
  }
  // The next batch is read while this one is hashed.
  let next = readBatch(database, after);
  for (;;) {
    const rows = await next;
    if (rows.length === BATCH) next = readBatch(database, rows[rows.length - 1].seq);
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
    onProgress?.({ checked, seq: (expectedSeq - 1n).toString(), elapsedMs: performance.now() - started });
    if (rows.length < BATCH) break;
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
  return { ok: true, checked, head: headSeq > 0n ? { seq: headSeq.toString(), hash: prevHash } : null, firstBreak: null, checkpoints, ...timing(checked) };
}

/**
 * The newest stored checkpoint with this deployment's signature whose event is still the one it signed: the stored
 * hash equals the signed one and is recomputed from the event's content and link. None: verify from the first event.
 */
async function provenStart(database: Db, stored: AuditCheckpoint[]): Promise<AuditCheckpoint | null> {
  const newest = [...stored].sort((a, b) => (BigInt(b.seq) > BigInt(a.seq) ? 1 : -1)).find(checkpointSignatureValid);
  if (!newest) return null;
  const row = (await database.auditEvent.findUnique({ where: { seq: BigInt(newest.seq) } })) as AuditRecord | null;
  // A checkpoint whose event is gone or changed is not a starting point: the full walk reports exactly what broke.
  if (!row || row.hash !== newest.hash || chainHash(row.prevHash, row) !== row.hash) return null;
  return newest;
}

/** Every checkpoint at or before the starting one must match the hash its event carries now. */
async function olderAnchorMismatch(database: Db, anchors: Anchor[], startSeq: bigint): Promise<ChainBreak | null> {
  const older = anchors.filter((a) => BigInt(a.seq) <= startSeq).sort((a, b) => (BigInt(a.seq) > BigInt(b.seq) ? 1 : -1));
  for (let i = 0; i < older.length; i += BATCH) {
    const slice = older.slice(i, i + BATCH);
    const rows = await database.auditEvent.findMany({ where: { seq: { in: slice.map((a) => BigInt(a.seq)) } }, select: { seq: true, hash: true } });
    const hashes = new Map(rows.map((r) => [r.seq.toString(), r.hash]));
    const contradicted = slice.find((a) => hashes.get(a.seq) !== a.hash);
    if (contradicted) {
      return {
        seq: contradicted.seq,
        problem: "checkpoint_mismatch",
        message: `event ${contradicted.seq} is ${hashes.has(contradicted.seq) ? "not the event" : "missing, but"} the ${where(contradicted)} checkpoint #${contradicted.seq} (signed ${contradicted.at}) vouches for: verify in full (--full) to find where the chain was changed`,
      };
    }
  }
  return null;
}
