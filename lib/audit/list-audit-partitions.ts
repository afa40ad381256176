import type { Db } from "@/lib/db/client";
import { db } from "@/lib/db/client";

export interface AuditPartition {
  name: string;
  /** The month it holds, [from, to); null for the default partition (rows no month partition took). */
  from: Date | null;
  to: Date | null;
  /** Its first and last event (null: empty). */
  firstSeq: bigint | null;
  lastSeq: bigint | null;
}

/**
 * The audit table's partitions, oldest month first, the default partition last. Empty on the embedded database,
 * whose audit table is not partitioned.
 */
export async function listAuditPartitions(database: Db = db()): Promise<AuditPartition[]> {
  const parts = await database.$queryRaw<Array<{ name: string; bound: string }>>`
    SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = to_regclass('"AuditEvent"') AND EXISTS (SELECT 1 FROM pg_class p WHERE p.oid = i.inhparent AND p.relkind = 'p')`;
  const result: AuditPartition[] = [];
  for (const { name, bound } of parts) {
    // FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00'), or DEFAULT.
    const range = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(bound);
    // The partition's own primary-key index answers both ends without touching the rest of the log.
    const [ends] = await database.$queryRawUnsafe<Array<{ first: bigint | null; last: bigint | null }>>(
      `SELECT (SELECT "seq" FROM "${name.replaceAll('"', '""')}" ORDER BY "seq" ASC LIMIT 1) AS first,
              (SELECT "seq" FROM "${name.replaceAll('"', '""')}" ORDER BY "seq" DESC LIMIT 1) AS last`,
    );
    result.push({
      name,
      from: range ? new Date(range[1].replace(" ", "T").replace(/\+00$/, "Z")) : null,
      to: range ? new Date(range[2].replace(" ", "T").replace(/\+00$/, "Z")) : null,
      firstSeq: ends?.first ?? null,
      lastSeq: ends?.last ?? null,
    });
  }
  return result.sort((a, b) => (a.from && b.from ? a.from.getTime() - b.from.getTime() : a.from ? -1 : 1));
}
