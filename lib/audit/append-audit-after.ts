import { chainRecords, recordsJson, type ChainTail } from "@/lib/audit/append-audit";
import { attachAfterTail, insertAuditRecords } from "@/lib/audit/audit-sql";
import type { AuditEventInput, AuditRecord } from "@/lib/audit/types";
import { commitQuery } from "@/lib/db/client";

// Rows attach only if `tail` ($2, $3) is still the newest link (audit-sql.ts says how that is decided).
const INSERT_AFTER_TAIL = `WITH attach AS (${attachAfterTail({ seq: "$2", hash: "$3" })})
  ${insertAuditRecords("$1", "EXISTS (SELECT 1 FROM attach)")}`;

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
