import { db } from "@/lib/db/client";

/**
 * Deletes rate-limit counters whose window (and the next, which a sliding limit still reads) is over — but never one
 * whose refusals still wait for their `throttle.summary`. Bookkeeping, not an artefact anyone reviews: not audited.
 */
export async function sweepRateLimitCounters(options: { now?: Date; batch?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 1000;
  return db().$executeRaw`
    DELETE FROM "RateLimitCounter" WHERE ("name", "key", "windowStart") IN (
      SELECT "name", "key", "windowStart" FROM "RateLimitCounter"
      WHERE "expiresAt" < ${now}::timestamptz AND (NOT "summarize" OR "summarizedAt" IS NOT NULL OR "count" <= "limit")
      LIMIT ${batch}::int FOR UPDATE SKIP LOCKED)`;
}
