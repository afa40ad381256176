/**
 * AuthKit mode end to end at the library level: tokens minted by the WorkOS stand-in, verified against its JWKS by the
 * real code, then the same chain /mcp runs — authenticate (deny-list, first-sight client, user, mapped roles) →
 * decide() — on a real database. The HTTP-level journey is added with /mcp.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents, verifyAuditChain } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { reloadEnv } from "@/lib/env";
import { decide } from "@/lib/policy/decide";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { updateWorkosLinking } from "@/lib/settings/update-workos-linking";
import { createUser } from "@/lib/users/create-user";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { addRoleMapping } from "@/lib/workos/add-role-mapping";
import { authenticateAuthkitCaller, type AuthkitPrincipal } from "@/lib/workos/authenticate-authkit-caller";
import { liftAuthkitRevocation } from "@/lib/workos/lift-authkit-revocation";
import { listRoleMappings } from "@/lib/workos/list-role-mappings";
import { removeRoleMapping } from "@/lib/workos/remove-role-mapping";
import { resourceAuthorizationServers } from "@/lib/workos/resource-authorization-servers";
import { revokeAuthkitAccess } from "@/lib/workos/revoke-authkit-access";
import { startWorkosStandin, type WorkosStandin } from "@/test/support/workos-standin";

const RESOURCE = "http://localhost:3999/mcp";
let standin: WorkosStandin;
let database: Awaited<ReturnType<typeof openTestDatabase>>;

function configure(mode: "authkit" | "bridge", extra: Record<string, string> = {}) {
  Object.assign(process.env, {
    PORTCULLIS_ISSUER_MODE: mode,
    WORKOS_AUTHKIT_DOMAIN: standin.origin,
    WORKOS_API_URL: standin.origin,
    WORKOS_API_KEY: standin.apiKey,
    WORKOS_CLIENT_ID: standin.clientId,
    WORKOS_AUTHKIT_SCOPES: "token",
    ...extra,
  });
  reloadEnv();
}

beforeAll(async () => {
  standin = await startWorkosStandin();
  configure("authkit");
  database = await openTestDatabase();
  await db().tool.createMany({
    data: [
      { name: "list_clients", description: "List clients", requiredScope: "clients:read" },
      { name: "approve_client", description: "Approve a client", requiredScope: "clients:write" },
    ],
  });
  await updateWorkosLinking({ autoLinkEmailDomains: ["acme.test"] }, CLI_CONTEXT);
}, 180_000);
afterAll(async () => {
  await database.close();
  await standin.close();
  for (const key of ["PORTCULLIS_ISSUER_MODE", "WORKOS_AUTHKIT_DOMAIN", "WORKOS_API_URL", "WORKOS_API_KEY", "WORKOS_CLIENT_ID", "WORKOS_AUTHKIT_SCOPES"]) {
    delete process.env[key];
  }
  reloadEnv();
});

/** Stands in for the clients lifecycle (`clients approve`, another area): active, with an allow-list. */
async function approve(clientId: string, allowedScopes: string[]) {
  await changeTransaction(["policy"], (tx) => tx.client.update({ where: { id: clientId }, data: { status: "active", allowedScopes } }));
}

async function call(principal: AuthkitPrincipal, tool: string) {
  const { userId, clientId, tokenScopes, extraRoles } = principal;
  return decide(await policySnapshot(), { userId, clientId, tokenScopes, extraRoles, tool });
}

const ALL = "clients:read clients:write";

describe("AuthKit mode at /mcp (library level)", () => {
  it("lists AuthKit as the authorization server in Protected Resource Metadata", () => {
    expect(resourceAuthorizationServers()).toEqual([standin.origin]);
  });

  it("a client seen first in a token is pending and denied, then allowed once approved", async () => {
    const alice = standin.addUser({ email: "alice@acme.test", firstName: "Alice", lastName: "Liddell" });
    await addRoleMapping({ externalKind: "role", externalName: "member", role: "reader" }, CLI_CONTEXT);
    const token = await standin.mintAccessToken({ sub: alice.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL, roles: ["member"] });

    const principal = await authenticateAuthkitCaller(token, { ip: "203.0.113.9", requestId: "req-1" });
    const client = await db().client.findUniqueOrThrow({ where: { id: "client_01CURSOR" } });
    expect(client).toMatchObject({ status: "pending", source: "authkit", allowedScopes: [], requestedScopes: ["clients:read", "clients:write"] });
    const [registered] = await listAuditEvents(db(), { kinds: ["client.registered"], limit: 1 });
    expect(registered).toMatchObject({
      actor: "client:client_01CURSOR",
      clientId: "client_01CURSOR",
      ip: "203.0.113.9",
      requestId: "req-1",
      reason: "client client_01CURSOR first seen in an AuthKit token; pending approval",
    });
    // A first-time WorkOS user becomes a local user with no roles of their own.
    const user = await db().user.findUniqueOrThrow({ where: { id: principal.userId }, include: { roles: true } });
    expect(user).toMatchObject({ email: "alice@acme.test", name: "Alice Liddell", workosUserId: alice.id, passwordHash: null, roles: [] });

    expect(await call(principal, "list_clients")).toMatchObject({
      allow: false,
      failedCheck: "client_active",
      reason: "denied: client client_01CURSOR is pending",
    });

    await approve("client_01CURSOR", ["clients:read"]);
    const again = await authenticateAuthkitCaller(token);
    expect(again.userId).toBe(principal.userId);
    expect(await call(again, "list_clients")).toMatchObject({
      allow: true,
      reason: "user alice@acme.test → mapped workos role member → role reader → scope clients:read → tool list_clients",
    });
    // Seen again: no second registration, no second user.
    expect(await db().client.count({ where: { id: "client_01CURSOR" } })).toBe(1);
    expect(await listAuditEvents(db(), { kinds: ["client.registered"], limit: 10 })).toHaveLength(1);
    expect(await db().user.count({ where: { workosUserId: alice.id } })).toBe(1);
  });

  // PostgreSQL only: the embedded PGlite socket host breaks when interactive transactions overlap other queries
  // (`portal "" does not exist`, reproducible with bare Prisma), a known limit of the embedded host reported separately.
  it.runIf(process.env.PORTCULLIS_TEST_POSTGRES_URL)("racing first calls from a new client register it exactly once", async () => {
    const bob = standin.addUser({ email: "bob@acme.test" });
    const tokens = await Promise.all(
      Array.from({ length: 6 }, () => standin.mintAccessToken({ sub: bob.id, aud: RESOURCE, client_id: "client_01RACE", scope: ALL })),
    );
    const principals = await Promise.all(tokens.map((t) => authenticateAuthkitCaller(t)));
    expect(new Set(principals.map((p) => p.userId)).size).toBe(1);
    const events = await listAuditEvents(db(), { kinds: ["client.registered"], limit: 50 });
    expect(events.filter((e) => e.clientId === "client_01RACE")).toHaveLength(1);
    expect(await db().user.count({ where: { workosUserId: bob.id } })).toBe(1);
  });

  it("a WorkOS role mapped to a local role changes what a call may do, from the next call on", async () => {
    const carol = standin.addUser({ email: "carol@acme.test" });
    await approve("client_01CURSOR", ["clients:read", "clients:write"]);
    const token = await standin.mintAccessToken({ sub: carol.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL, role: "admin" });

    expect(await call(await authenticateAuthkitCaller(token), "approve_client")).toMatchObject({
      allow: false,
      failedCheck: "user_scope",
      reason: "denied: user carol@acme.test has no role granting clients:write",
    });

    const mapping = await addRoleMapping({ externalKind: "role", externalName: "admin", role: "editor" }, CLI_CONTEXT);
    expect(await call(await authenticateAuthkitCaller(token), "approve_client")).toMatchObject({
      allow: true,
      reason: "user carol@acme.test → mapped workos role admin → role editor → scope clients:write → tool approve_client",
    });
    const [changed] = await listAuditEvents(db(), { kinds: ["policy.changed"], limit: 1 });
    expect(changed).toMatchObject({ actor: "cli", reason: "workos role admin now maps to role editor" });

    await removeRoleMapping(mapping.id, CLI_CONTEXT);
    expect(await call(await authenticateAuthkitCaller(token), "approve_client")).toMatchObject({ allow: false, failedCheck: "user_scope" });
    expect((await listRoleMappings(db())).map((m) => `${m.externalKind} ${m.externalName} → ${m.role}`)).toEqual(["role member → reader"]);
  });

  it("a mapping is refused for an unknown role, a malformed name, or twice", async () => {
    await expect(addRoleMapping({ externalKind: "role", externalName: "admin", role: "overlord" }, CLI_CONTEXT)).rejects.toMatchObject({
      code: "invalid_input",
      message: "Unknown role: overlord",
    });
    await expect(addRoleMapping({ externalKind: "role", externalName: "a b", role: "reader" }, CLI_CONTEXT)).rejects.toMatchObject({
      code: "invalid_input",
      message: "externalName: use 1–100 letters, digits, _ . : / or -, as in the WorkOS dashboard",
    });
    await expect(addRoleMapping({ externalKind: "role", externalName: "member", role: "reader" }, CLI_CONTEXT)).rejects.toMatchObject({
      code: "conflict",
      message: "workos role member already maps to role reader",
    });
    await expect(removeRoleMapping("not-a-uuid", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
  });

  it("the local policy still applies: a disabled user is denied whatever WorkOS says", async () => {
    const dave = standin.addUser({ email: "dave@acme.test" });
    const token = await standin.mintAccessToken({ sub: dave.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL, roles: ["member"] });
    const principal = await authenticateAuthkitCaller(token);
    expect((await call(principal, "list_clients")).allow).toBe(true);
    await setUserDisabled(principal.userId, true, CLI_CONTEXT);
    expect(await call(await authenticateAuthkitCaller(token), "list_clients")).toMatchObject({
      allow: false,
      failedCheck: "user_enabled",
      reason: "denied: user dave@acme.test is disabled",
    });
  });

  it("a revoked AuthKit token is refused on the next call; by client and by user too; lifting restores access", async () => {
    const erin = standin.addUser({ email: "erin@acme.test" });
    const mint = (client = "client_01CURSOR") => standin.mintAccessToken({ sub: erin.id, aud: RESOURCE, client_id: client, scope: ALL, roles: ["member"] });
    const first = await mint();
    const second = await mint();
    const jti = (await authenticateAuthkitCaller(first)).caller.jti;

    const { created } = await revokeAuthkitAccess({ kind: "token", value: jti, reason: "laptop stolen" }, CLI_CONTEXT);
    expect(created).toBe(true);
    await expect(authenticateAuthkitCaller(first)).rejects.toMatchObject({ name: "InvalidAuthkitToken", why: "token has been revoked" });
    expect((await call(await authenticateAuthkitCaller(second), "list_clients")).allow).toBe(true);
    const [revoked] = await listAuditEvents(db(), { kinds: ["token.revoked"], limit: 1 });
    expect(revoked).toMatchObject({ actor: "cli", reason: `token ${jti} revoked: laptop stolen` });
    // Revoking again is a no-op, not a second event.
    expect((await revokeAuthkitAccess({ kind: "token", value: jti }, CLI_CONTEXT)).created).toBe(false);

    const byClient = await revokeAuthkitAccess({ kind: "client", value: "client_01CURSOR" }, CLI_CONTEXT);
    await expect(authenticateAuthkitCaller(second)).rejects.toMatchObject({ why: "every token of client client_01CURSOR has been revoked" });
    const [grantRevoked] = await listAuditEvents(db(), { kinds: ["grant.revoked"], limit: 1 });
    expect(grantRevoked).toMatchObject({ clientId: "client_01CURSOR", reason: "every AuthKit token of client client_01CURSOR revoked" });
    await liftAuthkitRevocation(byClient.revocation.id, CLI_CONTEXT);
    expect((await authenticateAuthkitCaller(second)).userId).toBeTruthy();

    await revokeAuthkitAccess({ kind: "user", value: erin.id, reason: "left the company" }, CLI_CONTEXT);
    await expect(authenticateAuthkitCaller(await mint("client_01OTHER"))).rejects.toMatchObject({
      why: `every token of user ${erin.id} has been revoked`,
    });
    // A denied token never gets as far as registering its client.
    expect(await db().client.count({ where: { id: "client_01OTHER" } })).toBe(0);
  });

  it("links a WorkOS user to an existing local account only by verified email, never an unverified one", async () => {
    const local = await createUser({ email: "frank@acme.test", name: "Frank", password: "a-password-long-enough", roles: ["developer"] }, CLI_CONTEXT);
    const verified = standin.addUser({ email: "frank@acme.test", emailVerified: true });
    const principal = await authenticateAuthkitCaller(await standin.mintAccessToken({ sub: verified.id, aud: RESOURCE, client_id: "client_01CURSOR" }));
    expect(principal.userId).toBe(local.id);
    const [linked] = await listAuditEvents(db(), { kinds: ["user.linked"], limit: 1 });
    expect(linked).toMatchObject({ subject: local.id, reason: `user frank@acme.test linked to WorkOS user ${verified.id} (verified email)` });

    const local2 = await createUser({ email: "grace@acme.test", name: "Grace", password: "a-password-long-enough", roles: ["iam_admin"] }, CLI_CONTEXT);
    const impostor = standin.addUser({ email: "grace@acme.test", emailVerified: false });
    const other = await authenticateAuthkitCaller(await standin.mintAccessToken({ sub: impostor.id, aud: RESOURCE, client_id: "client_01CURSOR" }));
    expect(other.userId).not.toBe(local2.id);
    const created = await db().user.findUniqueOrThrow({ where: { id: other.userId }, include: { roles: true } });
    expect(created).toMatchObject({ email: `${impostor.id.toLowerCase()}@workos.invalid`, roles: [] });
  });

  it("never takes over an admin's (or write-scope holder's) account by a verified email, nor one at an unlisted domain", async () => {
    const grace = await db().user.findUniqueOrThrow({ where: { email: "grace@acme.test" } });
    // A verified email is only what some identity provider asserted: with bring-your-own SSO, anyone can assert it.
    const claimant = standin.addUser({ email: "grace@acme.test", emailVerified: true });
    const token = await standin.mintAccessToken({ sub: claimant.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL });
    await expect(authenticateAuthkitCaller(token)).rejects.toMatchObject({ why: `WorkOS user ${claimant.id} is not a Portcullis user` });
    const [refused] = await listAuditEvents(db(), { kinds: ["user.link_refused"], limit: 1 });
    expect(refused).toMatchObject({ subject: grace.id, reason: `WorkOS user ${claimant.id} not linked to grace@acme.test by verified email: the account holds iam_admin or a write scope, so only an admin may link it` });
    expect(await db().user.count({ where: { workosUserId: claimant.id } })).toBe(0);

    const olga = await createUser({ email: "olga@partner.test", name: "Olga", password: "a-password-long-enough", roles: ["developer"] }, CLI_CONTEXT);
    const outsider = standin.addUser({ email: "olga@partner.test", emailVerified: true });
    const other = await authenticateAuthkitCaller(await standin.mintAccessToken({ sub: outsider.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL })).catch((e: unknown) => e);
    expect(other).toMatchObject({ name: "InvalidAuthkitToken" });
    expect((await db().user.findUniqueOrThrow({ where: { id: olga.id } })).workosUserId).toBeNull();
    // A stranger at an unlisted domain is a new, roleless user under an undeliverable address, never the address claimed.
    const newcomer = standin.addUser({ email: "pat@partner.test", emailVerified: true });
    const placed = await authenticateAuthkitCaller(await standin.mintAccessToken({ sub: newcomer.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL }));
    expect(await db().user.findUniqueOrThrow({ where: { id: placed.userId } })).toMatchObject({ email: `${newcomer.id.toLowerCase()}@workos.invalid` });
  });

  it("with WORKOS_AUTHKIT_SCOPES=policy the token's scopes do not bound the call; the client's allow-list does", async () => {
    const heidi = standin.addUser({ email: "heidi@acme.test" });
    const token = await standin.mintAccessToken({ sub: heidi.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: "openid profile", roles: ["member"] });
    expect(await call(await authenticateAuthkitCaller(token), "list_clients")).toMatchObject({ allow: false, failedCheck: "token_scope" });
    configure("authkit", { WORKOS_AUTHKIT_SCOPES: "policy" });
    try {
      expect(await call(await authenticateAuthkitCaller(token), "list_clients")).toMatchObject({ allow: true });
      await approve("client_01CURSOR", ["clients:write"]);
      expect(await call(await authenticateAuthkitCaller(token), "list_clients")).toMatchObject({ allow: false, failedCheck: "client_allows" });
    } finally {
      await approve("client_01CURSOR", ["clients:read", "clients:write"]);
      configure("authkit");
    }
  });

  it("fails closed with 503 when WorkOS cannot be asked who a new user is", async () => {
    const ivan = standin.addUser({ email: "ivan@acme.test" });
    standin.failNext(`/user_management/users/${ivan.id}`, { status: 503, times: 5 });
    const token = await standin.mintAccessToken({ sub: ivan.id, aud: RESOURCE, client_id: "client_01CURSOR" });
    await expect(authenticateAuthkitCaller(token)).rejects.toMatchObject({ code: "unavailable", status: 503 });
    expect(await db().user.count({ where: { workosUserId: ivan.id } })).toBe(0);
  });

  it("in bridge mode accepts only the local user who signed in through the Login URI", async () => {
    configure("bridge");
    try {
      const local = await createUser({ email: "judy@example.test", name: "Judy", password: "a-password-long-enough", roles: ["reader"] }, CLI_CONTEXT);
      // What completeOAuth2 creates in AuthKit: a WorkOS user whose external_id is the Portcullis user id.
      const bridged = standin.addUser({ email: "judy@example.test", externalId: local.id });
      const principal = await authenticateAuthkitCaller(await standin.mintAccessToken({ sub: bridged.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL }));
      expect(principal.userId).toBe(local.id);
      expect(await call(principal, "list_clients")).toMatchObject({ allow: true, reason: "user judy@example.test → role reader → scope clients:read → tool list_clients" });

      // Someone who got into AuthKit some other way is nobody here, even with a verified email matching a local user.
      await createUser({ email: "ken@example.test", name: "Ken", password: "a-password-long-enough", roles: ["reader"] }, CLI_CONTEXT);
      const outsider = standin.addUser({ email: "ken@example.test", emailVerified: true });
      const token = await standin.mintAccessToken({ sub: outsider.id, aud: RESOURCE, client_id: "client_01CURSOR", scope: ALL });
      await expect(authenticateAuthkitCaller(token)).rejects.toMatchObject({ why: `WorkOS user ${outsider.id} is not a Portcullis user` });
      const lookups = standin.requests.filter((r) => r.path === `/user_management/users/${outsider.id}`).length;
      await expect(authenticateAuthkitCaller(token)).rejects.toMatchObject({ name: "InvalidAuthkitToken" });
      expect(standin.requests.filter((r) => r.path === `/user_management/users/${outsider.id}`)).toHaveLength(lookups);
    } finally {
      configure("authkit");
    }
  });

  it("keeps the audit chain intact", async () => {
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });
});
