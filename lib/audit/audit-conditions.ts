import type { AuditFilter } from "@/lib/audit/audit-filter";
import { AUDIT_KINDS } from "@/lib/audit/types";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

/**
 * A filter made ready for SQL: the user resolved to an id (null: no such user, so no events), and the time range
 * resolved to the run of seq it covers (null: no event in the range).
 */
export interface ResolvedAuditFilter extends AuditFilter {
  userId?: string | null;
  seqRange?: { first: bigint; last: bigint } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolveUserId(database: Db, user: string): Promise<string | null> {
  if (UUID.test(user)) return user.toLowerCase();
  const found = await database.user.findUnique({ where: { email: user.toLowerCase() }, select: { id: true } });
  return found?.id ?? null;
}

/**
 * The first and last seq of the events in [from, to). Time never runs backwards along the chain (appendAudit), so
 * those events are exactly the seq run between the two — found with two probes of the (at) index. Filters then
 * range-scan their (…, seq) index inside that run instead of walking back from the newest event past every later
 * one (which is what a planner does for `ORDER BY seq DESC LIMIT n` with an `at` condition it cannot align).
 */
export async function resolveSeqRange(database: Db, from?: Date, to?: Date): Promise<{ first: bigint; last: bigint } | null> {
  const [first, last] = await Promise.all([
    from
      ? database.$queryRaw<Array<{ seq: bigint }>>`SELECT "seq" FROM "AuditEvent" WHERE "at" >= ${from} ORDER BY "at" ASC, "seq" ASC LIMIT 1`
      : database.$queryRaw<Array<{ seq: bigint }>>`SELECT "seq" FROM "AuditEvent" ORDER BY "seq" ASC LIMIT 1`,
    to
      ? database.$queryRaw<Array<{ seq: bigint }>>`SELECT "seq" FROM "AuditEvent" WHERE "at" < ${to} ORDER BY "at" DESC, "seq" DESC LIMIT 1`
      : database.$queryRaw<Array<{ seq: bigint }>>`SELECT "seq" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1`,
  ]);
  if (!first.length || !last.length || first[0].seq > last[0].seq) return null;
  return { first: first[0].seq, last: last[0].seq };
}

/** Resolves a filter's user (an email or an id) and time range, ready for {@link auditConditions}. */
export async function resolveAuditFilter(database: Db, filter: AuditFilter): Promise<ResolvedAuditFilter> {
  const [userId, seqRange] = await Promise.all([
    filter.user ? resolveUserId(database, filter.user) : undefined,
    filter.from || filter.to ? resolveSeqRange(database, filter.from, filter.to) : undefined,
  ]);
  return { ...filter, ...(userId !== undefined ? { userId } : {}), ...(seqRange !== undefined ? { seqRange } : {}) };
}

/**
 * The SQL conditions for a filter, on "AuditEvent". The one place filters become SQL: the viewer, its charts and the
 * export all build on it. Each condition matches an index: (kind, seq), (decision, seq), (clientId, seq),
 * (subject, seq) / (actor, seq), (tool, seq); a time range becomes a seq run (resolveSeqRange).
 */
export function auditConditions(filter: ResolvedAuditFilter, extra: Prisma.Sql[] = []): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filter.kind?.endsWith(".*")) {
    const area = filter.kind.slice(0, -1);
    const kinds = AUDIT_KINDS.filter((k) => k.startsWith(area));
    conditions.push(Prisma.sql`"kind" IN (${Prisma.join(kinds)})`);
  } else if (filter.kind) {
    conditions.push(Prisma.sql`"kind" = ${filter.kind}`);
  }
  if (filter.decision) conditions.push(Prisma.sql`"decision" = ${filter.decision}`);
  if (filter.client) conditions.push(Prisma.sql`"clientId" = ${filter.client}`);
  if (filter.user) {
    conditions.push(
      filter.userId
        ? Prisma.sql`("subject" = ${filter.userId} OR "actor" = ${`user:${filter.userId}`})`
        : Prisma.sql`FALSE`,
    );
  }
  if (filter.tool) conditions.push(Prisma.sql`"tool" = ${filter.tool}`);
  if (filter.seqRange === null) conditions.push(Prisma.sql`FALSE`);
  if (filter.seqRange) conditions.push(Prisma.sql`"seq" BETWEEN ${filter.seqRange.first} AND ${filter.seqRange.last}`);
  // The time conditions stay, exact by themselves; the seq run above is what makes them cheap.
  if (filter.from) conditions.push(Prisma.sql`"at" >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`"at" < ${filter.to}`);
  conditions.push(...extra);
  return conditions.length === 0 ? Prisma.sql`TRUE` : Prisma.join(conditions, " AND ");
}
