import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { getGrant } from "@/lib/grants/get-grant";
import { grantFilterSchema, listGrants } from "@/lib/grants/list-grants";
import { revokeClientGrants } from "@/lib/grants/revoke-client-grants";
import { revokeOwnGrant } from "@/lib/grants/revoke-own-grant";
import { revokeUserGrants } from "@/lib/grants/revoke-user-grants";
import { authenticateBearer } from "@/lib/mcp/authenticate-bearer";
import { issueTestToken } from "@/test/support/mcp";
import { createUser } from "@/lib/users/create-user";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { listOwnConsents } from "@/lib/consents/list-own-consents";
import { withdrawConsent } from "@/lib/consents/withdraw-consent";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: { id: string; email: string };
let bob: { id: string; email: string };
beforeAll(async () => {
  database = await openTestDatabase();
  alice = await createUser({ email: "alice@example.test", name: "Alice", roles: ["reader"] }, CLI_CONTEXT);
  bob = await createUser({ email: "bob@example.test", name: "Bob", roles: ["reader"] }, CLI_CONTEXT);
});
afterAll(() => database.close());

const bearer = (token: string) => new Request("http://localhost:3999/mcp", { method: "POST", headers: { authorization: `Bearer ${token}` } });
const filter = (input: Record<string, string>) => grantFilterSchema.parse(input);
const remember = (userId: string, clientId: string) =>
  db().consent.create({ data: { userId, clientId, scopes: ["clients:read"], redirectUri: "http://127.0.0.1/callback" } });

describe("listGrants", () => {
  it("tells active, expired and revoked grants apart, with live token counts and expiry", async () => {
    const live = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-a", clientName: "Grants A" });
    const shortLived = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-a", ttlSeconds: 1800 });
    const old = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-a" });
    await db().accessToken.update({ where: { jti: old.jti }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const gone = await issueTestToken({ userId: bob.id, scopes: ["clients:read"], clientId: "grants-a" });
    await revokeOwnGrant(gone.grantId, bob.id, { actor: `user:${bob.id}` });

    const all = await listGrants(filter({ client: "grants-a" }));
    const status = Object.fromEntries(all.rows.map((r) => [r.id, r.status]));
    expect(status).toEqual({ [live.grantId]: "active", [shortLived.grantId]: "active", [old.grantId]: "expired", [gone.grantId]: "revoked" });
    const row = all.rows.find((r) => r.id === live.grantId)!;
    expect(row).toMatchObject({ userEmail: alice.email, clientName: "Grants A", liveAccessTokens: 1, expiresAt: live.expiresAt });

    expect((await listGrants(filter({ client: "grants-a", status: "active" }))).rows.map((r) => r.id).sort()).toEqual([live.grantId, shortLived.grantId].sort());
    expect((await listGrants(filter({ client: "grants-a", status: "expired" }))).rows.map((r) => r.id)).toEqual([old.grantId]);
    expect((await listGrants(filter({ client: "grants-a", status: "revoked" }))).rows.map((r) => r.id)).toEqual([gone.grantId]);
    // The default token lives 10 minutes, so both active grants end within the hour.
    expect((await listGrants(filter({ client: "grants-a", expires: "1h" }))).total).toBe(2);
    expect((await listGrants(filter({ client: "grants-a", user: "BOB@example.test" }))).rows.map((r) => r.id)).toEqual([gone.grantId]);
    expect((await listGrants(filter({ client: "grants-a", user: bob.id }))).total).toBe(1);
    expect((await listGrants(filter({ user: "nobody@example.test" }))).total).toBe(0);

    const detail = await getGrant(live.grantId);
    expect(detail).toMatchObject({ id: live.grantId, status: "active", accessTokens: [expect.objectContaining({ jti: live.jti, revokedAt: null })] });
    expect(await getGrant("00000000-0000-0000-0000-000000000000")).toBeNull();
  });
});

describe("bulk and own revocation", () => {
  it("revokes all of a client's grants in one audited change; the next call is refused", async () => {
    const one = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-b", clientName: "Grants B" });
    const two = await issueTestToken({ userId: bob.id, scopes: ["clients:read"], clientId: "grants-b" });
    const other = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-c" });
    await remember(alice.id, "grants-b");
    await remember(bob.id, "grants-b");
    await remember(alice.id, "grants-c");
    const result = await revokeClientGrants("grants-b", "compromised", { actor: "user:admin" });
    expect(result).toMatchObject({ name: "Grants B", accessTokens: 2, refreshTokens: 0, consentsWithdrawn: 2 });
    expect(result.grantIds.sort()).toEqual([one.grantId, two.grantId].sort());
    expect(await authenticateBearer(bearer(one.token))).toMatchObject({ ok: false, reason: expect.stringMatching(/^(token|grant) .* was revoked$/) });
    expect((await authenticateBearer(bearer(other.token))).ok).toBe(true);
    const events = await db().auditEvent.findMany({ where: { clientId: "grants-b", kind: "grant.revoked" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "user:admin", reason: "all 2 live grant(s) of client Grants B revoked (2 access, 0 refresh token(s); 2 remembered consent(s) withdrawn): compromised" });
    // The consents behind them went too; alice's consent for another client did not.
    expect(await db().consent.count({ where: { clientId: "grants-b" } })).toBe(0);
    expect(await db().consent.count({ where: { clientId: "grants-c", userId: alice.id } })).toBe(1);
    // Nothing live left: nothing changes, nothing is recorded.
    expect((await revokeClientGrants("grants-b", "again", CLI_CONTEXT)).grantIds).toEqual([]);
    expect(await db().auditEvent.count({ where: { clientId: "grants-b", kind: "grant.revoked" } })).toBe(1);
    await expect(revokeClientGrants("grants-b", " ", CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(revokeClientGrants("nope", "x", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
  });

  it("revokes all of a user's grants across clients", async () => {
    const carol = await createUser({ email: "carol@example.test", name: "Carol", roles: ["reader"] }, CLI_CONTEXT);
    const a = await issueTestToken({ userId: carol.id, scopes: ["clients:read"], clientId: "grants-d" });
    const b = await issueTestToken({ userId: carol.id, scopes: ["account:read"], clientId: "grants-e" });
    await remember(carol.id, "grants-d");
    await remember(carol.id, "grants-e");
    const result = await revokeUserGrants(carol.id, "left the company", CLI_CONTEXT);
    expect(result).toMatchObject({ name: "carol@example.test", accessTokens: 2, consentsWithdrawn: 2 });
    expect(await db().consent.count({ where: { userId: carol.id } })).toBe(0);
    for (const t of [a, b]) expect(await authenticateBearer(bearer(t.token))).toMatchObject({ ok: false, reason: expect.stringMatching(/^(token|grant) .* was revoked$/) });
    const event = await db().auditEvent.findFirstOrThrow({ where: { subject: carol.id, kind: "grant.revoked" } });
    expect(event.reason).toBe("all 2 live grant(s) of carol@example.test revoked (2 access, 0 refresh token(s); 2 remembered consent(s) withdrawn): left the company");
  });

  it("lets a user revoke their own grant only", async () => {
    const mine = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-f" });
    await remember(alice.id, "grants-f");
    await remember(bob.id, "grants-f");
    await expect(revokeOwnGrant(mine.grantId, bob.id, { actor: `user:${bob.id}` })).rejects.toMatchObject({ code: "not_found", message: "You have no grant with this id." });
    expect(await revokeOwnGrant(mine.grantId, alice.id, { actor: `user:${alice.id}` })).toMatchObject({ revoked: true, accessTokens: 1, consentsWithdrawn: 1 });
    const event = await db().auditEvent.findFirstOrThrow({ where: { clientId: "grants-f", kind: "grant.revoked" } });
    expect(event).toMatchObject({ actor: `user:${alice.id}`, subject: alice.id, detail: expect.objectContaining({ consentsWithdrawn: 1 }) });
    // Only the revoking user's consent for that client: bob's stays.
    expect(await db().consent.findMany({ where: { clientId: "grants-f" }, select: { userId: true } })).toEqual([{ userId: bob.id }]);
  });

  it("withdraws a client's consents even when it has no live grant left", async () => {
    await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-g" });
    await revokeClientGrants("grants-g", "first", CLI_CONTEXT);
    await remember(alice.id, "grants-g");
    const result = await revokeClientGrants("grants-g", "second", CLI_CONTEXT);
    expect(result).toMatchObject({ grantIds: [], consentsWithdrawn: 1 });
    expect(await db().auditEvent.count({ where: { clientId: "grants-g", kind: "grant.revoked" } })).toBe(2);
  });

  it("disabling a user revokes their grants and withdraws their consents", async () => {
    const dave = await createUser({ email: "dave@example.test", name: "Dave", roles: ["reader"] }, CLI_CONTEXT);
    await issueTestToken({ userId: dave.id, scopes: ["clients:read"], clientId: "grants-h" });
    await remember(dave.id, "grants-h");
    await setUserDisabled(dave.id, true, CLI_CONTEXT);
    expect(await db().consent.count({ where: { userId: dave.id } })).toBe(0);
    const event = await db().auditEvent.findFirstOrThrow({ where: { subject: dave.id, kind: "user.disabled" } });
    expect(event.reason).toBe("user dave@example.test disabled; 1 grant(s) revoked, 1 remembered consent(s) withdrawn");
  });
});

describe("remembered consents", () => {
  it("lists a user's own consents and lets them withdraw one, audited; another user's answers as missing", async () => {
    const erin = await createUser({ email: "erin@example.test", name: "Erin", roles: ["reader"] }, CLI_CONTEXT);
    await issueTestToken({ userId: erin.id, scopes: ["clients:read"], clientId: "grants-i", clientName: "Grants I" });
    await remember(erin.id, "grants-i");
    await remember(bob.id, "grants-i");
    expect(await listOwnConsents(erin.id)).toEqual([
      { clientId: "grants-i", clientName: "Grants I", scopes: ["clients:read"], redirectUri: "http://127.0.0.1/callback", updatedAt: expect.any(Date) },
    ]);
    await expect(withdrawConsent(alice.id, "grants-i", { actor: `user:${alice.id}` })).rejects.toMatchObject({
      code: "not_found",
      message: "You have no remembered consent for this client.",
    });
    expect(await withdrawConsent(erin.id, "grants-i", { actor: `user:${erin.id}` })).toEqual({ clientName: "Grants I" });
    expect(await listOwnConsents(erin.id)).toEqual([]);
    expect(await db().consent.count({ where: { clientId: "grants-i", userId: bob.id } })).toBe(1);
    const event = await db().auditEvent.findFirstOrThrow({ where: { subject: erin.id, kind: "consent.withdrawn" } });
    expect(event).toMatchObject({ actor: `user:${erin.id}`, clientId: "grants-i", scopes: ["clients:read"], reason: "remembered consent for client Grants I withdrawn by the user" });
    await expect(withdrawConsent(erin.id, "grants-i", { actor: `user:${erin.id}` })).rejects.toMatchObject({ code: "not_found" });
  });
});
