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
    const result = await revokeClientGrants("grants-b", "compromised", { actor: "user:admin" });
    expect(result).toMatchObject({ name: "Grants B", accessTokens: 2, refreshTokens: 0 });
    expect(result.grantIds.sort()).toEqual([one.grantId, two.grantId].sort());
    expect(await authenticateBearer(bearer(one.token))).toMatchObject({ ok: false, reason: expect.stringMatching(/^(token|grant) .* was revoked$/) });
    expect((await authenticateBearer(bearer(other.token))).ok).toBe(true);
    const events = await db().auditEvent.findMany({ where: { clientId: "grants-b", kind: "grant.revoked" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "user:admin", reason: "all 2 live grant(s) of client Grants B revoked (2 access, 0 refresh token(s)): compromised" });
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
    const result = await revokeUserGrants(carol.id, "left the company", CLI_CONTEXT);
    expect(result).toMatchObject({ name: "carol@example.test", accessTokens: 2 });
    for (const t of [a, b]) expect(await authenticateBearer(bearer(t.token))).toMatchObject({ ok: false, reason: expect.stringMatching(/^(token|grant) .* was revoked$/) });
    const event = await db().auditEvent.findFirstOrThrow({ where: { subject: carol.id, kind: "grant.revoked" } });
    expect(event.reason).toBe("all 2 live grant(s) of carol@example.test revoked (2 access, 0 refresh token(s)): left the company");
  });

  it("lets a user revoke their own grant only", async () => {
    const mine = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: "grants-f" });
    await expect(revokeOwnGrant(mine.grantId, bob.id, { actor: `user:${bob.id}` })).rejects.toMatchObject({ code: "not_found", message: "You have no grant with this id." });
    expect(await revokeOwnGrant(mine.grantId, alice.id, { actor: `user:${alice.id}` })).toMatchObject({ revoked: true, accessTokens: 1 });
    const event = await db().auditEvent.findFirstOrThrow({ where: { clientId: "grants-f", kind: "grant.revoked" } });
    expect(event).toMatchObject({ actor: `user:${alice.id}`, subject: alice.id });
  });
});
