import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { noteChanged, topicVersion } from "@/lib/changes/change-versions";
import { approveClients } from "@/lib/clients/approve-clients";
import { deleteClient } from "@/lib/clients/delete-client";
import { getClientEvidence } from "@/lib/clients/get-client-evidence";
import { clientFilterSchema, listClientPage } from "@/lib/clients/list-client-page";
import { pruneStaleClients } from "@/lib/clients/prune-stale-clients";
import { updateClientScopes } from "@/lib/clients/update-client-scopes";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { authenticateBearer } from "@/lib/mcp/authenticate-bearer";
import { issueTestToken } from "@/test/support/mcp";
import { loadRevocationState } from "@/lib/revocation-view";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: { id: string };
beforeAll(async () => {
  database = await openTestDatabase();
  alice = await createUser({ email: "alice@example.test", name: "Alice", roles: ["reader"] }, CLI_CONTEXT);
});
afterAll(() => database.close());

let n = 0;
type Status = "pending" | "active" | "suspended" | "rejected";
async function client(status: Status, extra: Record<string, unknown> = {}) {
  n += 1;
  return db().client.create({
    data: {
      id: `pcl_test${n}`,
      name: `Client ${n}`,
      status,
      source: "dcr",
      redirectUris: ["https://app.example.com/cb"],
      grantTypes: ["authorization_code"],
      responseTypes: ["code"],
      requestedScopes: ["clients:read"],
      allowedScopes: ["account:read", "clients:read"],
      ...extra,
    },
  });
}

const lastEvent = (clientId: string) => db().auditEvent.findFirstOrThrow({ where: { clientId }, orderBy: { seq: "desc" } });
const bearer = (token: string) => new Request("http://localhost:3999/mcp", { method: "POST", headers: { authorization: `Bearer ${token}` } });

describe("updateClientScopes", () => {
  it("replaces the allow-list as policy, audited as client.updated with what changed", async () => {
    const c = await client("active");
    const policy = topicVersion("policy");
    const change = await updateClientScopes(c.id, ["clients:read", "audit:read", "audit:read"], { actor: "user:admin" }, "needs the log");
    expect(change).toMatchObject({ scopes: ["audit:read", "clients:read"], added: ["audit:read"], removed: ["account:read"] });
    expect((await db().client.findUniqueOrThrow({ where: { id: c.id } })).allowedScopes).toEqual(["audit:read", "clients:read"]);
    expect(topicVersion("policy")).toBe(policy + 1);
    expect(await lastEvent(c.id)).toMatchObject({
      kind: "client.updated",
      actor: "user:admin",
      reason: `client ${c.name} allowed scopes added audit:read; removed account:read: needs the log`,
      detail: { previous: ["account:read", "clients:read"], added: ["audit:read"], removed: ["account:read"] },
    });
  });

  it("records nothing when nothing changes, and refuses unknown scopes, rejected clients and unknown clients", async () => {
    const c = await client("pending");
    const before = await db().auditEvent.count();
    expect(await updateClientScopes(c.id, ["clients:read", "account:read"], CLI_CONTEXT)).toMatchObject({ added: [], removed: [] });
    expect(await db().auditEvent.count()).toBe(before);
    await expect(updateClientScopes(c.id, ["clients:read", "nope:x"], CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message: "Unknown scope: nope:x" });
    const rejected = await client("rejected");
    await expect(updateClientScopes(rejected.id, [], CLI_CONTEXT)).rejects.toMatchObject({ code: "conflict" });
    await expect(updateClientScopes("pcl_missing", [], CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("deleteClient", () => {
  it("deletes the client with its grants and tokens; its live token is refused at once, even if the id comes back", async () => {
    const c = await client("active");
    const issued = await issueTestToken({ userId: alice.id, scopes: ["clients:read"], clientId: c.id });
    expect((await authenticateBearer(bearer(issued.token))).ok).toBe(true);

    const removed = await deleteClient(c.id, "  vendor offboarded ", { actor: "user:admin" });
    expect(removed).toMatchObject({ id: c.id, liveGrants: 1, liveAccessTokens: 1, refreshTokens: 0 });
    expect(await db().client.findUnique({ where: { id: c.id } })).toBeNull();
    expect(await db().grant.count({ where: { clientId: c.id } })).toBe(0);
    expect(await db().accessToken.count({ where: { jti: issued.jti } })).toBe(0);
    const refused = await authenticateBearer(bearer(issued.token));
    expect(refused).toMatchObject({ ok: false, check: "client_active", reason: `client ${c.id} is not registered` });

    // The id is deny-listed until the token could have expired (plus a margin), so re-creating it cannot revive the token.
    const entry = await db().revocation.findUniqueOrThrow({ where: { kind_value: { kind: "client", value: c.id } } });
    expect(entry.expiresAt!.getTime()).toBeGreaterThan(issued.expiresAt.getTime());
    expect(entry.expiresAt!.getTime() - issued.expiresAt.getTime()).toBeLessThanOrEqual(120_000);
    expect((await loadRevocationState(db())).deniedClients.has(c.id)).toBe(true);
    // Re-registered under the same id (a metadata-document client can be), as registration would: a policy change.
    await client("active", { id: c.id, name: c.name });
    noteChanged(["policy"]);
    const again = await authenticateBearer(bearer(issued.token));
    expect(again).toMatchObject({ ok: false, check: "client_active", reason: `client ${c.name} is on the deny-list` });

    const event = await db().auditEvent.findFirstOrThrow({ where: { clientId: c.id, kind: "client.deleted" } });
    expect(event).toMatchObject({ actor: "user:admin", reason: `client ${c.name} (active) deleted with 1 live grant(s), 1 live access token(s): vendor offboarded` });
  });

  it("needs no deny-list entry for a client that never got a token; requires a reason; answers not_found", async () => {
    const c = await client("pending");
    await expect(deleteClient(c.id, " ", CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message: "Give a reason to delete a client." });
    expect(await deleteClient(c.id, "spam", CLI_CONTEXT)).toMatchObject({ blockedUntil: null });
    expect(await db().revocation.count({ where: { value: c.id } })).toBe(0);
    await expect(deleteClient(c.id, "again", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("pruneStaleClients", () => {
  it("counts on a dry run, then deletes only old, never-used pending clients, one event each", async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    const stale = [await client("pending", { createdAt: old, name: "Stale A" }), await client("pending", { createdAt: old, name: "Stale B" })];
    const used = await client("pending", { createdAt: old, lastUsedAt: new Date() });
    const recent = await client("pending");
    const active = await client("active", { createdAt: old });
    const authorized = await client("pending", { createdAt: old });
    await db().grant.create({ data: { userId: alice.id, clientId: authorized.id, scopes: [], resource: "r", grantType: "authorization_code" } });

    const dry = await pruneStaleClients({ olderThanDays: 30, dryRun: true }, CLI_CONTEXT);
    expect(dry).toMatchObject({ dryRun: true, count: 2, remaining: 0 });
    expect(dry.sample.map((s) => s.id).sort()).toEqual(stale.map((s) => s.id).sort());
    expect(await db().client.count({ where: { id: { in: stale.map((s) => s.id) } } })).toBe(2);

    const done = await pruneStaleClients({ olderThanDays: 30 }, { actor: "user:admin" });
    expect(done).toMatchObject({ dryRun: false, count: 2 });
    const left = (await db().client.findMany({ where: { id: { in: [...stale, used, recent, active, authorized].map((c) => c.id) } } })).map((c) => c.id);
    expect(left.sort()).toEqual([used.id, recent.id, active.id, authorized.id].sort());
    for (const s of stale) {
      expect(await lastEvent(s.id)).toMatchObject({ kind: "client.deleted", actor: "user:admin", reason: `client ${s.name} (pending) pruned: pending for over 30 day(s) and never used` });
    }
    await expect(pruneStaleClients({ olderThanDays: 0 }, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("approveClients", () => {
  it("approves each pending client on its own and reports the ones it could not", async () => {
    const a = await client("pending");
    const b = await client("pending");
    const machine = await client("pending", { grantTypes: ["client_credentials"], tokenEndpointAuthMethod: "client_secret_basic" });
    const done = await client("active");
    const result = await approveClients([a.id, b.id, machine.id, done.id, a.id], "batch review", { actor: "user:admin" });
    expect(result.approved.map((r) => r.clientId)).toEqual([a.id, b.id]);
    expect(result.refused).toEqual([
      { clientId: machine.id, name: machine.name, error: "This client uses client_credentials: bind it to a service identity (--service-user)." },
      { clientId: done.id, name: done.name, error: `Client ${done.name} is active; only a pending client can be approved.` },
    ]);
    expect(await lastEvent(b.id)).toMatchObject({ kind: "client.approved", reason: `client ${b.name} pending → active: batch review` });
    await expect(approveClients([], "x", CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("listClientPage and getClientEvidence", () => {
  it("filters, sorts and pages in the database", async () => {
    const mark = `Zeta-${Date.now()}`;
    for (let i = 0; i < 3; i++) await client("suspended", { name: `${mark} ${i}`, source: "cimd", lastUsedAt: i === 0 ? new Date() : null });
    const page = await listClientPage(clientFilterSchema.parse({ q: mark.toLowerCase(), sort: "name", size: "25" }));
    expect(page).toMatchObject({ total: 3, pages: 1, page: 1 });
    expect(page.rows.map((r) => r.name)).toEqual([`${mark} 0`, `${mark} 1`, `${mark} 2`]);
    const never = await listClientPage(clientFilterSchema.parse({ q: mark, used: "never", source: "cimd", status: "suspended", dir: "desc", sort: "name" }));
    expect(never.rows.map((r) => r.name)).toEqual([`${mark} 2`, `${mark} 1`]);
    expect((await listClientPage(clientFilterSchema.parse({ q: mark, used: "day" }))).total).toBe(1);
    // Out-of-range and unknown values fall back instead of failing.
    const tolerant = clientFilterSchema.parse({ status: "bogus", size: "7", page: "-3", sort: "nope" });
    expect(tolerant).toMatchObject({ status: undefined, size: 25, page: 1, sort: "created" });
    expect((await listClientPage({ ...tolerant, q: mark, page: 99 })).page).toBe(1);
  });

  it("gathers the review evidence: risks, look-alikes, usage and history", async () => {
    const target = await client("pending", { name: "Cursor", redirectUris: ["http://127.0.0.1:9/cb", "https://203.0.113.9/cb"], requestedScopes: ["clients:read", "weird:scope"] });
    const twin = await client("active", { name: "cursor" });
    const evidence = await getClientEvidence(target.id);
    expect(evidence.risks.map((r) => r.code)).toContain("ip_literal");
    expect(evidence.unknownRequestedScopes).toEqual(["weird:scope"]);
    expect(evidence.duplicates).toContainEqual(expect.objectContaining({ reason: "same_name", clients: [expect.objectContaining({ id: twin.id })] }));
    expect(evidence.usage).toMatchObject({ grants: 0, accessTokens: 0, firstTokenAt: null });
    await approveClients([target.id], "ok", CLI_CONTEXT);
    const after = await getClientEvidence(target.id);
    expect(after.history.map((h) => h.kind)).toEqual(["client.approved"]);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});
