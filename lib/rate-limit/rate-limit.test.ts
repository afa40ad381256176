import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { addressBucket, hitRateLimit, refundRateLimit, summarizeThrottles, type LimitRule } from "@/lib/rate-limit";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

let ruleCounter = 0;
const rule = (limit: number, windowSeconds = 60, extra: Partial<LimitRule> = {}): LimitRule => ({ name: `test.${++ruleCounter}`, limit, windowSeconds, ...extra });
/** A moment `offsetMs` into a window of `windowSeconds`, well clear of the present. */
const at = (windowSeconds: number, offsetMs: number, windows = 0) => new Date((Math.floor(Date.now() / (windowSeconds * 1000)) + 10 + windows) * windowSeconds * 1000 + offsetMs);

describe("address buckets", () => {
  it("counts an IPv4 address as itself and an IPv4-mapped IPv6 address as that IPv4 address", () => {
    expect(addressBucket("192.0.2.7")).toBe("192.0.2.7");
    expect(addressBucket("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressBucket("::ffff:c000:0207")).toBe("192.0.2.7");
    expect(addressBucket("192.0.2.8")).not.toBe(addressBucket("192.0.2.7"));
  });

  it("counts every IPv6 address of one /64 as one bucket, whatever the spelling, and another /64 apart", () => {
    const bucket = addressBucket("2001:db8:1:2::1");
    expect(bucket).toBe("2001:db8:1:2::/64");
    for (const address of ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0000:0000:0000:0abc", "[2001:db8:1:2::9]", "2001:db8:1:2:a:b:1.2.3.4", "2001:db8:1:2::5%eth0"]) {
      expect(addressBucket(address)).toBe(bucket);
    }
    expect(addressBucket("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(addressBucket("::1")).toBe("::/64");
    expect(addressBucket("2001:db8::")).toBe("2001:db8::/64");
  });

  it("puts requests without a usable address in one shared bucket", () => {
    expect(addressBucket(null)).toBe("unknown");
    expect(addressBucket("not-an-address")).toBe("unknown");
  });
});

describe("shared rate-limit counters", () => {
  it("allows exactly the limit of 20 parallel hits, and exactly one of them is the first refusal", async () => {
    const limit = rule(5);
    const now = at(60, 1_000);
    const hits = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(limit, "k", { now })));
    expect(hits.filter((h) => h.allowed)).toHaveLength(5);
    expect(hits.filter((h) => h.firstRefusal)).toHaveLength(1);
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(hits.find((h) => !h.allowed)!.retryAfter).toBe(59);
    // Another key, and the next window, start afresh.
    expect((await hitRateLimit(limit, "other", { now })).allowed).toBe(true);
    expect((await hitRateLimit(limit, "k", { now: at(60, 0, 1) })).allowed).toBe(true);
  });

  it("counts one limit for separate database clients, as separate instances would", async () => {
    const limit = rule(3);
    const now = at(60, 5_000);
    const { PrismaClient } = await import("@/lib/db/generated/client");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const other = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    try {
      const hits = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => hitRateLimit(limit, "shared", { now, database: i % 2 ? other : db() })));
      expect(hits.filter((h) => h.allowed)).toHaveLength(3);
    } finally {
      await other.$disconnect();
    }
  });

  it("in a sliding window, weighs the previous window by how much of it still overlaps", async () => {
    const limit = rule(10, 100, { sliding: true });
    for (let i = 0; i < 10; i++) await hitRateLimit(limit, "s", { now: at(100, 90_000) });
    // A quarter into the next window, three quarters of the previous 10 still count: 8 (7.5 rounded up, never in the
    // guesser's favour) + 2 = 10.
    const quarter = at(100, 25_000, 1);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await hitRateLimit(limit, "s", { now: quarter }));
    expect(results.map((r) => r.allowed)).toEqual([true, true, false, false]);
    expect(results.map((r) => r.firstRefusal)).toEqual([false, false, true, false]);
  });

  it("gives a hit back on refund", async () => {
    const limit = rule(1);
    const now = at(60, 2_000);
    expect((await hitRateLimit(limit, "r", { now })).allowed).toBe(true);
    await refundRateLimit(limit, "r", { now });
    expect((await hitRateLimit(limit, "r", { now })).allowed).toBe(true);
    expect((await hitRateLimit(limit, "r", { now })).allowed).toBe(false);
  });

  it("summarises a closed window's refusals in one event per key, once, however many summarisers run", async () => {
    const limit = rule(2, 60, { summarize: true });
    const now = at(60, 3_000, -20);
    for (let i = 0; i < 7; i++) await hitRateLimit(limit, "203.0.113.9", { now });
    for (let i = 0; i < 2; i++) await hitRateLimit(limit, "203.0.113.10", { now });
    // Not before the window has closed.
    await summarizeThrottles({ now: new Date(now.getTime() + 1_000) });
    expect(await db().auditEvent.count({ where: { kind: "throttle.summary", reason: { contains: limit.name } } })).toBe(0);
    const written = await Promise.all([0, 1, 2].map(() => summarizeThrottles()));
    expect(written.reduce((a, b) => a + b, 0)).toBe(1);
    const events = (await listAuditEvents(db(), { kinds: ["throttle.summary"], limit: 50 })).filter((e) => (e.detail as { limit: string }).limit === limit.name);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "system", detail: { key: "203.0.113.9", attempts: 7, allowed: 2, refused: 5, windowSeconds: 60 } });
    expect(await summarizeThrottles()).toBe(0);
  });
});
