import type { Db } from "@/lib/db/client";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

/**
 * Creates the monthly audit partitions still missing, from the current month through the configured months ahead
 * (PORTCULLIS_AUDIT_PARTITIONS_AHEAD), so inserts never fall back to the default partition. Safe on every instance at
 * once (the SQL function serialises itself); does nothing on the embedded database, whose table is not partitioned.
 * Returns how many partitions it created.
 */
export async function ensureAuditPartitions(database: Db = db(), monthsAhead: number = env().auditPartitions.monthsAhead): Promise<number> {
  const [row] = await database.$queryRaw<Array<{ created: number }>>`SELECT "portcullis_ensure_audit_partitions"(now(), ${monthsAhead}::int) AS created`;
  return Number(row?.created ?? 0);
}
