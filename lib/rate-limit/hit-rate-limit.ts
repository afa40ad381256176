import { createHash } from "node:crypto";
import { db, type Db } from "@/lib/db/client";

/** One limit: at most `limit` hits per key in each window of `windowSeconds`. */
export interface LimitRule {
  /** Stable name, stored with each counter (`sign-in.account`). */
  name: string;
  limit: number;
  windowSeconds: number;
  /**
   * Sliding: the previous window's count still weighs in, in proportion to how much of it overlaps the last
   * `windowSeconds` (so a burst straddling a window boundary cannot spend two limits). Fixed otherwise.
   */
  sliding?: boolean;
  /** Refusals past the limit are recorded as one `throttle.summary` event when the window closes. */
  summarize?: boolean;
}

export interface LimitHit {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  count: number;
  /** Seconds until the key may try again (0 when allowed). */
  retryAfter: number;
  /** This is the first refusal of the key in its window: exactly one request, across every instance, sees it. */
  firstRefusal: boolean;
}

const MAX_KEY_LENGTH = 200;

/** Keys are stored as given when short (readable in a summary), else as a digest. */
export function storedKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash("sha256").update(key).digest("base64url")}`;
}

export function windowStartOf(rule: LimitRule, now: Date): Date {
  const windowMs = rule.windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/**
 * Counts one hit for `key` and says whether it is within the limit. The count is taken first, atomically in the shared
 * database (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), so parallel requests — on one instance or many — each get
 * their own number and no more than `limit` of them are ever allowed; the caller does its expensive work only after.
 */
export async function hitRateLimit(rule: LimitRule, key: string, options: { database?: Db; now?: Date } = {}): Promise<LimitHit> {
  const database = options.database ?? db();
  const now = options.now ?? new Date();
  const windowMs = rule.windowSeconds * 1000;
  const start = windowStartOf(rule, now);
  const previousStart = new Date(start.getTime() - windowMs);
  // Kept one window beyond its own, for the sliding estimate and for the summary written when it closes.
  const expiresAt = new Date(start.getTime() + 2 * windowMs);
  const name = rule.name;
  const stored = storedKey(key);
  const [row] = await database.$queryRaw<Array<{ count: number; previous: number }>>`
    WITH hit AS (
      INSERT INTO "RateLimitCounter" ("name", "key", "windowStart", "count", "limit", "windowSeconds", "summarize", "expiresAt")
      VALUES (${name}, ${stored}, ${start}::timestamptz, 1, ${rule.limit}::int, ${rule.windowSeconds}::int, ${rule.summarize ?? false}, ${expiresAt}::timestamptz)
      ON CONFLICT ("name", "key", "windowStart") DO UPDATE SET "count" = "RateLimitCounter"."count" + 1
      RETURNING "count"
    )
    SELECT (SELECT "count" FROM hit)::int AS "count",
      COALESCE((SELECT "count" FROM "RateLimitCounter" WHERE "name" = ${name} AND "key" = ${stored} AND "windowStart" = ${previousStart}::timestamptz), 0)::int AS "previous"`;
  const count = Number(row.count);
  // Rounded up: the estimate never lets through an attempt that the last windowSeconds, counted exactly, would refuse
  // (5 wrong passwords just before a window starts still lock the 6th just after it).
  const carried = rule.sliding ? Math.ceil(Number(row.previous) * (1 - (now.getTime() - start.getTime()) / windowMs)) : 0;
  const allowed = count + carried <= rule.limit;
  const retryAfter = allowed ? 0 : Math.max(1, Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000));
  return { allowed, count, retryAfter, firstRefusal: !allowed && count - 1 + carried <= rule.limit };
}

/** Gives back one hit (a sign-in that succeeded is not an attempt to hold against the address). */
export async function refundRateLimit(rule: LimitRule, key: string, options: { database?: Db; now?: Date } = {}): Promise<void> {
  const database = options.database ?? db();
  const start = windowStartOf(rule, options.now ?? new Date());
  await database.$executeRaw`UPDATE "RateLimitCounter" SET "count" = GREATEST("count" - 1, 0)
    WHERE "name" = ${rule.name} AND "key" = ${storedKey(key)} AND "windowStart" = ${start}::timestamptz`;
}

/** Forgets a key's counts (a successful sign-in clears that account's failures from that address). */
export async function resetRateLimit(rule: LimitRule, key: string, options: { database?: Db } = {}): Promise<void> {
  const database = options.database ?? db();
  await database.$executeRaw`DELETE FROM "RateLimitCounter" WHERE "name" = ${rule.name} AND "key" = ${storedKey(key)}`;
}
