import { AUDIT_COLUMNS, viewAuditRow, type AuditEventRecordView, type AuditRow } from "@/lib/audit/audit-rows";
import type { Db } from "@/lib/db/client";

/** One event by its sequence number, hashes included; null when there is none. */
export async function getAuditEvent(database: Db, seq: bigint): Promise<AuditEventRecordView | null> {
  const rows = await database.$queryRaw<AuditRow[]>`SELECT ${AUDIT_COLUMNS} FROM "AuditEvent" WHERE "seq" = ${seq}`;
  return rows.length ? viewAuditRow(rows[0]) : null;
}
