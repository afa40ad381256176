import { auditConditions, type ResolvedAuditFilter } from "@/lib/audit/audit-conditions";
import { AUDIT_COLUMNS, viewAuditRow, type AuditEventRecordView, type AuditRow } from "@/lib/audit/audit-rows";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

/**
 * Every event matching a filter, oldest first (chain order), fetched in keyset batches so an export of millions of
 * rows holds one batch in memory at a time and each query is as cheap as the first. Events appended while the export
 * runs are left out: it ends at the head it saw when it started.
 */
export async function* streamAuditEvents(
  database: Db,
  filter: ResolvedAuditFilter,
  batchSize = 1_000,
): AsyncGenerator<AuditEventRecordView[]> {
  const [head] = await database.$queryRaw<Array<{ seq: bigint | null }>>`SELECT max("seq") AS seq FROM "AuditEvent"`;
  if (head?.seq === null || head?.seq === undefined) return;
  let after = 0n;
  for (;;) {
    const rows = await database.$queryRaw<AuditRow[]>`SELECT ${AUDIT_COLUMNS} FROM "AuditEvent"
      WHERE ${auditConditions(filter, [Prisma.sql`"seq" > ${after}`, Prisma.sql`"seq" <= ${head.seq}`])}
      ORDER BY "seq" ASC LIMIT ${batchSize}`;
    if (rows.length === 0) return;
    yield rows.map(viewAuditRow);
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1].seq;
  }
}
