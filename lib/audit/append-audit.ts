import { canonicalEvent, GENESIS_HASH, hashCanonical } from "@/lib/audit/hash-chain";
import { noteAuditHead } from "@/lib/audit/schedule-audit-checkpoints";
import type { AuditEventInput, AuditRecord } from "@/lib/audit/types";
import type { Tx } from "@/lib/db/client";
import { insertAuditRecords, TAKE_CHAIN_LOCK } from "@/lib/audit/audit-sql";

// Built once in audit-sql.ts (the statement appendAuditAfter and the token writer extend).
const INSERT_RECORDS = insertAuditRecords("$1");

/** The last link of the chain: where the next event attaches. */
export interface ChainTail {
  seq: bigint;
  hash: string;
  at: Date;
}

/** Numbers and hashes events after `tail` (null: the chain is empty). */
export function chainRecords(tail: ChainTail | null, events: AuditEventInput[]): AuditRecord[] {
  let seq = tail?.seq ?? 0n;
  let prevHash = tail?.hash ?? GENESIS_HASH;
  // Millisecond precision: exactly what timestamptz(3) stores, so the hash recomputes from the row. Never earlier than
  // the tail's: time never runs backwards along the chain (another instance's clock may be ahead of ours), so a time
  // range is a contiguous run of seq and the viewer can search it through the (…, seq) indexes.
  const now = Date.now();
  const at = new Date(tail && tail.at.getTime() > now ? tail.at.getTime() : now);
  return events.map((event): AuditRecord => {
    seq += 1n;
    const unhashed = {
      seq,
      at,
      kind: event.kind,
      actor: event.actor ?? null,
      subject: event.subject ?? null,
      clientId: event.clientId ?? null,
      tool: event.tool ?? null,
      scopes: event.scopes ?? [],
      decision: event.decision ?? null,
      reason: event.reason ?? null,
      requestId: event.requestId ?? null,
      ip: event.ip ?? null,
      detail: event.detail ?? {},
    };
    const canonical = canonicalEvent(unhashed);
    const hash = hashCanonical(prevHash, canonical);
    const record = { ...unhashed, prevHash, hash };
    // The row as the insert reads it (jsonb_populate_recordset): the canonical text that was hashed, plus the two
    // hashes (hex, nothing to escape). One serialisation per event instead of two, and the stored row is exactly what
    // was hashed. Key order does not matter to jsonb.
    rowJson.set(record, `${canonical.slice(0, -1)},"prevHash":"${prevHash}","hash":"${hash}"}`);
    prevHash = hash;
    return record;
  });
}

// The JSON row of each record chainRecords made, for recordsJson.
const rowJson = new WeakMap<AuditRecord, string>();

/** The records as the JSON array parameter of insertAuditRecords. */
export function recordsJson(records: AuditRecord[]): string {
  let out = "[";
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const row = rowJson.get(record) ?? JSON.stringify(record, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
    out += (i === 0 ? "" : ",") + row;
  }
  return `${out}]`;
}

/**
 * Appends events to the hash chain inside the caller's transaction, so an event commits exactly when the change it
 * records does. Call it last in the transaction: the chain lock is held until commit.
 */
export async function appendAudit(tx: Tx, events: AuditEventInput[]): Promise<AuditRecord[]> {
  if (events.length === 0) return [];
  await tx.$executeRawUnsafe(TAKE_CHAIN_LOCK);
  const tail = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true, at: true } });
  const records = chainRecords(tail, events);
  await tx.$executeRawUnsafe(INSERT_RECORDS, recordsJson(records));
  // Before the commit: a checkpoint this prompts signs whatever head has committed by the time it runs.
  noteAuditHead(records[records.length - 1].seq);
  return records;
}
