import { auditConditions, type ResolvedAuditFilter } from "@/lib/audit/audit-conditions";
import { AUDIT_COLUMNS, viewAuditRow, type AuditEventRecordView, type AuditRow } from "@/lib/audit/audit-rows";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

export const AUDIT_PAGE_SIZES = [25, 50, 100] as const;

export interface AuditPageRequest {
  /** Show events older than this seq (the "Older" link). */
  before?: bigint;
  /** Show events newer than this seq (the "Newer" link). */
  after?: bigint;
  size?: number;
}

export interface AuditPage {
  events: AuditEventRecordView[];
  /** Cursor for the next-older page, when there is one. */
  older: string | null;
  /** Cursor for the next-newer page, when there is one. */
  newer: string | null;
}

/**
 * One page of the audit log, newest first, by keyset on seq: `WHERE <filters> AND seq < cursor ORDER BY seq DESC
 * LIMIT n+1`. Cost depends on the page size, not on how deep the page is or how long the log has grown — no OFFSET,
 * no COUNT(*). The extra row tells whether another page exists.
 */
export async function listAuditPage(database: Db, filter: ResolvedAuditFilter, request: AuditPageRequest = {}): Promise<AuditPage> {
  const size = Math.min(Math.max(request.size ?? 50, 1), 500);
  const where = (extra: Prisma.Sql[]) => auditConditions(filter, extra);
  if (request.after !== undefined) {
    const rows = await database.$queryRaw<AuditRow[]>`SELECT ${AUDIT_COLUMNS} FROM "AuditEvent"
      WHERE ${where([Prisma.sql`"seq" > ${request.after}`])} ORDER BY "seq" ASC LIMIT ${size + 1}`;
    const hasNewer = rows.length > size;
    const page = rows.slice(0, size).reverse();
    const hasOlder = await exists(database, where([Prisma.sql`"seq" <= ${request.after}`]));
    return {
      events: page.map(viewAuditRow),
      newer: hasNewer && page.length ? page[0].seq.toString() : null,
      older: hasOlder ? (page.length ? page[page.length - 1].seq.toString() : (request.after + 1n).toString()) : null,
    };
  }
  const cursor = request.before !== undefined ? [Prisma.sql`"seq" < ${request.before}`] : [];
  const rows = await database.$queryRaw<AuditRow[]>`SELECT ${AUDIT_COLUMNS} FROM "AuditEvent"
    WHERE ${where(cursor)} ORDER BY "seq" DESC LIMIT ${size + 1}`;
  const hasOlder = rows.length > size;
  const page = rows.slice(0, size);
  const hasNewer = request.before !== undefined && (await exists(database, where([Prisma.sql`"seq" >= ${request.before}`])));
  return {
    events: page.map(viewAuditRow),
    older: hasOlder ? page[page.length - 1].seq.toString() : null,
    newer: hasNewer ? (page.length ? page[0].seq.toString() : (request.before! - 1n).toString()) : null,
  };
}

async function exists(database: Db, where: Prisma.Sql): Promise<boolean> {
  const rows = await database.$queryRaw<Array<{ found: number }>>`SELECT 1 AS found FROM "AuditEvent" WHERE ${where} LIMIT 1`;
  return rows.length > 0;
}
