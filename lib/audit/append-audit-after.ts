import { AUDIT_CHAIN_LOCK, chainRecords, INSERT_RECORDS, recordsJson, type ChainTail } from "@/lib/audit/append-audit";
import type { AuditEventInput, AuditRecord } from "@/lib/audit/types";
import { commitQuery } from "@/lib/db/client";

// The chain lock is taken inside the statement, before any row is inserted, so transactional writers (appendAudit:
// lock, then read the tail) never read a tail this statement is about to extend. The rows attach only if `tail` is
// still the newest link: its row exists unchanged, and the primary key refuses a second row with any seq we use.
const INSERT_AFTER_TAIL = INSERT_RECORDS.replace(
  "FROM jsonb_populate_recordset(NULL::\"AuditEvent\", $1::jsonb)",
  `FROM jsonb_populate_recordset(NULL::"AuditEvent", $1::jsonb), (SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})) AS chain_lock
   WHERE EXISTS (SELECT 1 FROM "AuditEvent" WHERE "seq" = $2::bigint AND "hash" = $3)`,
);

/** A unique violation reported by `pg` (SQLSTATE 23505): another writer took the seq. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "23505";
}

/**
 * Appends events after a tail this process wrote or read, in one statement and one round trip — the fast path of group
 * commit. Returns null, having written nothing, when the chain has moved on (another process appended) or the tail
 * is gone; the caller then appends through the locked transaction, which reads the true tail.
 */
export async function appendAuditAfter(tail: ChainTail, events: AuditEventInput[]): Promise<AuditRecord[] | null> {
  if (events.length === 0) return [];
  const records = chainRecords(tail, events);
  try {
    const { rowCount } = await commitQuery("append_audit", INSERT_AFTER_TAIL, [recordsJson(records), tail.seq.toString(), tail.hash]);
    return rowCount === records.length ? records : null;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}
