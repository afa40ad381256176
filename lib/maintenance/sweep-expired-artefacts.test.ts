import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { sweepExpiredArtefacts } from "@/lib/maintenance/sweep-expired-artefacts";
import { sweepRateLimitCounters } from "@/lib/maintenance/sweep-rate-limit-counters";
import { hitRateLimit } from "@/lib/rate-limit";
import { openTestDatabase } from "@/test/support/db";
import { testClient, testUser } from "@/test/support/oauth";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let grantId: string;
let clientId: string;
let userId: string;
beforeAll(async () => {
  database = await openTestDatabase();
  userId = (await testUser(["reader"])).id;
  clientId = (await testClient()).clientId;
  grantId = (await db().grant.create({ data: { userId, clientId, scopes: ["account:read"], resource: "http://localhost/mcp", grantType: "authorization_code" } })).id;
});
afterAll(() => database.close());

const HOUR = 3_600_000;
const id = () => randomBytes(12).toString("hex");

/** One of each artefact expiring at `expiresAt`; refresh tokens spent (usedAt set) when `spent`. */
async function artefacts(expiresAt: Date, spent = false) {
  const base = { clientId, userId, scopes: ["account:read"], resource: "http://localhost/mcp", expiresAt };
  await db().authorizationCode.create({ data: { ...base, codeHash: id(), redirectUri: "http://127.0.0.1/cb", codeChallenge: "x", usedAt: spent ? new Date() : null } });
  await db().deviceCode.create({ data: { ...base, deviceCodeHash: id(), userCode: id().slice(0, 8).toUpperCase() } });
  await db().accessToken.create({ data: { jti: id(), grantId, scopes: ["account:read"], expiresAt } });
  await db().refreshToken.create({ data: { tokenHash: id(), grantId, scopes: ["account:read"], expiresAt, usedAt: spent ? new Date() : null } });
}

const counts = async () => ({
  AuthorizationCode: await db().authorizationCode.count(),
  DeviceCode: await db().deviceCode.count(),
  AccessToken: await db().accessToken.count(),
  RefreshToken: await db().refreshToken.count(),
});

describe("the expired-artefact sweeper", () => {
  it("deletes what expired longer ago than the grace period, keeps the rest, and records what it removed", async () => {
    const before = await counts();
    const now = Date.now();
    for (let i = 0; i < 3; i++) await artefacts(new Date(now - 3 * HOUR), i === 0);
    await artefacts(new Date(now - 10 * 60_000)); // expired, but within the grace period
    await artefacts(new Date(now + HOUR), true); // live; its spent refresh token must stay for reuse detection
    const removed = await sweepExpiredArtefacts({ graceSeconds: 3600 });
    expect(removed).toEqual({ AuthorizationCode: 3, DeviceCode: 3, AccessToken: 3, RefreshToken: 3, UsedAssertion: 0 });
    const after = await counts();
    for (const key of Object.keys(before) as Array<keyof typeof before>) expect(after[key]).toBe(before[key] + 2);
    const [event] = await listAuditEvents(db(), { kinds: ["maintenance.swept"], limit: 5 });
    expect(event).toMatchObject({ actor: "system", detail: { removed, graceSeconds: 3600 } });
    expect(event.reason).toMatch(/^swept 3 authorization codes, 3 device codes, 3 access-token rows, 3 refresh tokens expired before /);
    // Nothing left to remove: no event.
    expect(await sweepExpiredArtefacts({ graceSeconds: 3600 })).toEqual({ AuthorizationCode: 0, DeviceCode: 0, AccessToken: 0, RefreshToken: 0, UsedAssertion: 0 });
    expect(await listAuditEvents(db(), { kinds: ["maintenance.swept"], limit: 5 })).toHaveLength(1);
  });

  it("removes each row exactly once when several instances sweep at once, in bounded batches", async () => {
    const now = Date.now();
    for (let i = 0; i < 25; i++) await artefacts(new Date(now - 5 * HOUR));
    const sweeps = await Promise.all([0, 1, 2].map(() => sweepExpiredArtefacts({ graceSeconds: 3600, batch: 10 })));
    const total = sweeps.reduce((sum, s) => sum + s.AccessToken, 0);
    expect(total).toBe(25);
    expect(sweeps.reduce((sum, s) => sum + s.RefreshToken + s.AuthorizationCode + s.DeviceCode, 0)).toBe(75);
    const events = await listAuditEvents(db(), { kinds: ["maintenance.swept"], limit: 50 });
    const recorded = events.reduce((sum, e) => sum + (e.detail as { removed: { AccessToken: number } }).removed.AccessToken, 0);
    expect(recorded).toBe(25 + 3);
  });

  it("drops rate-limit counters once their windows are over, but not before their refusals are summarised", async () => {
    const old = new Date(Date.now() - 10 * HOUR);
    const quiet = { name: "test.quiet", limit: 5, windowSeconds: 60 };
    const noisy = { name: "test.noisy", limit: 1, windowSeconds: 60, summarize: true };
    await hitRateLimit(quiet, "a", { now: old });
    for (let i = 0; i < 3; i++) await hitRateLimit(noisy, "b", { now: old });
    expect(await sweepRateLimitCounters()).toBe(1);
    expect(await db().rateLimitCounter.findMany({ where: { name: { startsWith: "test." } }, select: { name: true } })).toEqual([{ name: "test.noisy" }]);
  });
});
