import type { AuditFilter } from "@/lib/audit/audit-filter";
import { AUDIT_KINDS } from "@/lib/audit/types";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

/** A filter with the user resolved to an id (or to "matches nobody" when no such user exists). */
export interface ResolvedAuditFilter extends AuditFilter {
  userId?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Turns the user filter (an email or an id) into a user id. An email nobody has resolves to null: no events. */
export async function resolveAuditFilter(database: Db, filter: AuditFilter): Promise<ResolvedAuditFilter> {
  if (!filter.user) return filter;
  if (UUID.test(filter.user)) return { ...filter, userId: filter.user.toLowerCase() };
  const user = await database.user.findUnique({ where: { email: filter.user.toLowerCase() }, select: { id: true } });
  return { ...filter, userId: user?.id ?? null };
}

/**
 * The SQL conditions for a filter, on "AuditEvent". The one place filters become SQL: the viewer, its charts and the
 * export all build on it. Each condition matches an index: (kind, seq), (decision, seq), (clientId, seq),
 * (subject, seq) / (actor, seq), (tool, seq), (at).
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
  if (filter.from) conditions.push(Prisma.sql`"at" >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`"at" < ${filter.to}`);
  conditions.push(...extra);
  return conditions.length === 0 ? Prisma.sql`TRUE` : Prisma.join(conditions, " AND ");
}
