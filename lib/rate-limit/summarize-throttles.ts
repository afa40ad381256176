import { appendAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";

interface ClosedWindow {
  name: string;
  key: string;
  windowStart: Date;
  count: number;
  limit: number;
  windowSeconds: number;
}

/**
 * Writes one `throttle.summary` event for each closed window of a summarised limit that refused something: how many
 * requests a key sent and how many were refused. Together with the one event its first refusal writes at once, that
 * bounds the audit growth a flood can cause to two events per key and window, however many requests it sends.
 * Safe on every instance at once: each window is claimed (SKIP LOCKED) and marked in the transaction that records it.
 */
export async function summarizeThrottles(options: { now?: Date; batch?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 500;
  return db().$transaction(async (tx) => {
    const closed = await tx.$queryRaw<ClosedWindow[]>`
      UPDATE "RateLimitCounter" SET "summarizedAt" = ${now}::timestamptz
      WHERE ("name", "key", "windowStart") IN (
        SELECT "name", "key", "windowStart" FROM "RateLimitCounter"
        WHERE "summarize" AND "summarizedAt" IS NULL AND "count" > "limit"
          AND "windowStart" + make_interval(secs => "windowSeconds") <= ${now}::timestamptz
        ORDER BY "windowStart" LIMIT ${batch}::int
        FOR UPDATE SKIP LOCKED)
      RETURNING "name", "key", "windowStart", "count", "limit", "windowSeconds"`;
    closed.sort((a, b) => a.windowStart.getTime() - b.windowStart.getTime() || a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
    await appendAudit(
      tx,
      closed.map((w) => {
        const refused = w.count - w.limit;
        return {
          kind: "throttle.summary" as const,
          actor: "system",
          reason: `${refused} request(s) over the ${w.name} limit (${w.limit} per ${w.windowSeconds} s) refused for ${w.key} in the window from ${w.windowStart.toISOString()}`,
          detail: { limit: w.name, key: w.key, windowStart: w.windowStart.toISOString(), windowSeconds: w.windowSeconds, allowed: w.limit, attempts: w.count, refused },
        };
      }),
    );
    return closed.length;
  });
}
