import { auditConditions, resolveSeqRange, type ResolvedAuditFilter } from "@/lib/audit/audit-conditions";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

export type ChartBucket = "hour" | "day" | "week" | "month";

export interface AuditCharts {
  window: { from: string; to: string; bucket: ChartBucket; defaulted: boolean };
  /** Allowed and denied decisions per bucket, every bucket of the window present (zeros included). */
  decisions: Array<{ start: string; allow: number; deny: number }>;
  topDeniedTools: Array<{ tool: string; count: number }>;
  mostActiveClients: Array<{ clientId: string; name: string | null; count: number }>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Without a time range the charts cover the last day: enough to see a trend, cheap on a log of millions. */
const DEFAULT_WINDOW = DAY;

function bucketFor(spanMs: number): ChartBucket {
  if (spanMs <= 2 * DAY) return "hour";
  if (spanMs <= 92 * DAY) return "day";
  if (spanMs <= 2 * 365 * DAY) return "week";
  return "month";
}

function truncate(date: Date, bucket: ChartBucket): Date {
  const d = new Date(date);
  d.setUTCMinutes(0, 0, 0);
  if (bucket !== "hour") d.setUTCHours(0);
  // date_trunc('week') starts weeks on Monday (ISO 8601).
  if (bucket === "week") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (bucket === "month") d.setUTCDate(1);
  return d;
}

function step(date: Date, bucket: ChartBucket): Date {
  if (bucket === "month") return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
  return new Date(date.getTime() + (bucket === "hour" ? HOUR : bucket === "day" ? DAY : 7 * DAY));
}

/**
 * The audit page's charts, under the same filters as the table: decisions over time (allow vs deny), the tools denied
 * most often, and the clients with the most events. Three aggregate queries over the filter's time window.
 */
export async function auditCharts(database: Db, filter: ResolvedAuditFilter, now = new Date(), top = 8): Promise<AuditCharts> {
  const to = filter.to ?? now;
  const from = filter.from ?? new Date(to.getTime() - DEFAULT_WINDOW);
  const bucket = bucketFor(to.getTime() - from.getTime());
  const seqRange = filter.from && filter.to ? filter.seqRange : await resolveSeqRange(database, from, to);
  const windowed: ResolvedAuditFilter = { ...filter, from, to, seqRange };
  const unit = Prisma.raw(`'${bucket}'`);

  const [series, denied, clients] = await Promise.all([
    // A timestamp without zone's epoch is its UTC reading, so buckets are UTC whatever the session's time zone.
    database.$queryRaw<Array<{ start: bigint; decision: string; count: bigint }>>`
      SELECT extract(epoch FROM date_trunc(${unit}, "at" AT TIME ZONE 'UTC'))::bigint AS start, "decision", count(*) AS count
      FROM "AuditEvent" WHERE ${auditConditions(windowed, [Prisma.sql`"decision" IN ('allow', 'deny')`])}
      GROUP BY 1, 2`,
    filter.decision === "allow"
      ? Promise.resolve([])
      : database.$queryRaw<Array<{ tool: string; count: bigint }>>`
      SELECT "tool", count(*) AS count FROM "AuditEvent"
      WHERE ${auditConditions(windowed, [Prisma.sql`"decision" = 'deny'`, Prisma.sql`"tool" IS NOT NULL`])}
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${top}`,
    database.$queryRaw<Array<{ clientId: string; name: string | null; count: bigint }>>`
      SELECT e."clientId", c."name", e.count FROM (
        SELECT "clientId", count(*) AS count FROM "AuditEvent"
        WHERE ${auditConditions(windowed, [Prisma.sql`"clientId" IS NOT NULL`])}
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${top}
      ) e LEFT JOIN "Client" c ON c."id" = e."clientId" ORDER BY e.count DESC, e."clientId"`,
  ]);

  const counts = new Map<number, { allow: number; deny: number }>();
  for (const row of series) {
    const start = Number(row.start) * 1000;
    const entry = counts.get(start) ?? { allow: 0, deny: 0 };
    entry[row.decision as "allow" | "deny"] += Number(row.count);
    counts.set(start, entry);
  }
  const decisions: AuditCharts["decisions"] = [];
  for (let at = truncate(from, bucket); at < to; at = step(at, bucket)) {
    const entry = counts.get(at.getTime()) ?? { allow: 0, deny: 0 };
    decisions.push({ start: at.toISOString(), ...entry });
  }
  return {
    window: { from: from.toISOString(), to: to.toISOString(), bucket, defaulted: !filter.from && !filter.to },
    decisions,
    topDeniedTools: denied.map((r) => ({ tool: r.tool, count: Number(r.count) })),
    mostActiveClients: clients.map((r) => ({ clientId: r.clientId, name: r.name, count: Number(r.count) })),
  };
}
