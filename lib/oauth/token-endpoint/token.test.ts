import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { suspendClient } from "@/lib/clients/suspend-client";
import { rejectClient } from "@/lib/clients/reject-client";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { hashCredential } from "@/lib/oauth/secrets";
import {
  exchangeCode,
  formRequest,
  obtainCode,
  pkcePair,
  REDIRECT_URI,
  testClient,
  testUser,
  token,
  TEST_ISSUER,
  TEST_RESOURCE,
} from "@/test/support/oauth";
import { verifyAccessToken } from "@/lib/access-tokens/verify-access-token";
import { removeRole } from "@/lib/users/remove-role";
import { createUser } from "@/lib/users/create-user";
import { flushUsage } from "@/lib/usage/note-usage";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";
import { oauthErrorResponse } from "@/lib/oauth/errors";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let user: SignedInUser;
let clientId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  user = await testUser(["reader"]);
  ({ clientId } = await testClient());
});
afterAll(() => database.close());

async function grantOf(accessToken: string) {
  return db().grant.findUniqueOrThrow({ where: { id: decodeJwt(accessToken).grant_id as string }, include: { accessTokens: true, refreshTokens: true } });
}

describe("authorization_code grant", () => {
  it("exchanges a code with the PKCE verifier for an ES256 JWT bound to the resource, plus a refresh token", async () => {
    const { code, verifier } = await obtainCode(clientId, user, { scope: "clients:read policy:read" });
    const { status, body, headers } = await exchangeCode(clientId, code, verifier);
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(headers.get("pragma")).toBe("no-cache");
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 600, scope: "clients:read policy:read" });
    expect(body.refresh_token).toMatch(/^pcr_/);
    const claims = await verifyAccessToken(body.access_token);
    expect(claims).toMatchObject({ iss: TEST_ISSUER, sub: user.id, aud: TEST_RESOURCE, client_id: clientId, scope: "clients:read policy:read" });
    const grant = await grantOf(body.access_token);
    expect(grant).toMatchObject({ userId: user.id, clientId, grantType: "authorization_code", resource: TEST_RESOURCE, revokedAt: null });
    expect(grant.accessTokens.map((t) => t.jti)).toEqual([claims.jti]);
    expect(grant.refreshTokens.map((t) => t.tokenHash)).toEqual([hashCredential(body.refresh_token)]);
    const used = await db().authorizationCode.findUniqueOrThrow({ where: { codeHash: hashCredential(code) } });
    expect(used.usedAt).not.toBeNull();
    expect(used.grantId).toBe(grant.id);
    const [event] = await listAuditEvents(db(), { kinds: ["token.issued"], limit: 1 });
    expect(event).toMatchObject({ subject: user.id, clientId, actor: `client:${clientId}` });
  });

  it("refuses a wrong verifier, and a missing one", async () => {
    const { code } = await obtainCode(clientId, user);
    const wrong = await exchangeCode(clientId, code, pkcePair().verifier);
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "code_verifier does not match the code_challenge." } });
    const missing = await token({ grant_type: "authorization_code", client_id: clientId, code, redirect_uri: REDIRECT_URI });
    expect(missing).toMatchObject({ status: 400, body: { error: "invalid_request", error_description: "The code_verifier parameter is required." } });
  });

  it("revokes everything issued from a code when the code is replayed", async () => {
    const { code, verifier } = await obtainCode(clientId, user);
    const first = await exchangeCode(clientId, code, verifier);
    expect(first.status).toBe(200);
    const replay = await exchangeCode(clientId, code, verifier);
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(replay.body.error_description).toMatch(/already been used/);
    const grant = await grantOf(first.body.access_token);
    expect(grant.revokedAt).not.toBeNull();
    expect(grant.accessTokens.every((t) => t.revokedAt !== null)).toBe(true);
    expect(grant.refreshTokens.every((t) => t.revokedAt !== null)).toBe(true);
    const refresh = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token });
    expect(refresh).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "The refresh token has been revoked." } });
    const [event] = await listAuditEvents(db(), { kinds: ["token.reuse_detected"], limit: 1 });
    expect(event.reason).toContain("authorization code");
  });

  it("refuses a spent code from another client or without its verifier, and revokes nothing for it", async () => {
    const other = await testClient();
    const { code, verifier } = await obtainCode(clientId, user);
    const first = await exchangeCode(clientId, code, verifier);
    expect(first.status).toBe(200);
    const reuseEvents = async () => (await listAuditEvents(db(), { kinds: ["token.reuse_detected"], limit: 100 })).length;
    const before = await reuseEvents();

    const byOther = await exchangeCode(other.clientId, code, verifier);
    expect(byOther).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "The authorization code was issued to another client." } });
    const withoutVerifier = await exchangeCode(clientId, code, pkcePair().verifier);
    expect(withoutVerifier).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "code_verifier does not match the code_challenge." } });
    const unauthenticated = await token(
      { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT_URI },
      { basic: [clientId, "not-the-secret"] },
    );
    expect(unauthenticated).toMatchObject({ status: 401, body: { error: "invalid_client" } });

    const grant = await grantOf(first.body.access_token);
    expect(grant.revokedAt).toBeNull();
    expect(grant.accessTokens.every((t) => t.revokedAt === null)).toBe(true);
    expect(await reuseEvents()).toBe(before);
    await expect(verifyAccessToken(first.body.access_token)).resolves.toMatchObject({ client_id: clientId });
    const refreshed = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token });
    expect(refreshed.status).toBe(200);
  });

  it("refuses a code presented by another client", async () => {
    const other = await testClient();
    const { code, verifier } = await obtainCode(clientId, user);
    const stolen = await exchangeCode(other.clientId, code, verifier);
    expect(stolen).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "The authorization code was issued to another client." } });
  });

  it("refuses an expired code, an unknown code and a different redirect_uri", async () => {
    const { code, verifier } = await obtainCode(clientId, user);
    const mismatch = await exchangeCode(clientId, code, verifier, { redirect_uri: "http://127.0.0.1:33418/other" });
    expect(mismatch).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    await db().authorizationCode.update({ where: { codeHash: hashCredential(code) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await exchangeCode(clientId, code, verifier)).toMatchObject({
      status: 400,
      body: { error: "invalid_grant", error_description: "The authorization code has expired." },
    });
    expect(await exchangeCode(clientId, "pcc_unknown", verifier)).toMatchObject({
      status: 400,
      body: { error: "invalid_grant", error_description: "The authorization code is invalid." },
    });
  });

  it("refuses a resource for another server", async () => {
    const { code, verifier } = await obtainCode(clientId, user);
    expect(await exchangeCode(clientId, code, verifier, { resource: "https://other.example/mcp" })).toMatchObject({
      status: 400,
      body: { error: "invalid_target" },
    });
  });

  it("applies policy changed since consent", async () => {
    const changing = await testUser(["reader", "access_reviewer"]);
    const { code, verifier } = await obtainCode(clientId, changing, { scope: "clients:read audit:read" });
    await removeRole(changing.id, "access_reviewer", CLI_CONTEXT);
    const { body } = await exchangeCode(clientId, code, verifier);
    expect(body.scope).toBe("clients:read");
  });
});

describe("clients at the token endpoint", () => {
  it("refuses an unknown client with 401 invalid_client", async () => {
    expect(await token({ grant_type: "authorization_code", client_id: "pcl_nobody", code: "x", code_verifier: "y", redirect_uri: REDIRECT_URI })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
  });

  it("refuses pending, rejected and suspended clients", async () => {
    const pending = await testClient({}, { approve: false });
    const rejected = await testClient({}, { approve: false });
    await rejectClient(rejected.clientId, "no", CLI_CONTEXT);
    const suspended = await testClient();
    const { code, verifier } = await obtainCode(suspended.clientId, user);
    await suspendClient(suspended.clientId, "incident", CLI_CONTEXT);
    for (const id of [pending.clientId, rejected.clientId]) {
      expect(await token({ grant_type: "refresh_token", client_id: id, refresh_token: "pcr_x" })).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    }
    expect(await exchangeCode(suspended.clientId, code, verifier)).toMatchObject({
      status: 400,
      body: { error: "unauthorized_client", error_description: "This client has been suspended by an administrator." },
    });
  });

  it("authenticates confidential clients with client_secret_basic and client_secret_post, and refuses bad secrets", async () => {
    const basic = await testClient({ token_endpoint_auth_method: "client_secret_basic" });
    const post = await testClient({ token_endpoint_auth_method: "client_secret_post" });
    const a = await obtainCode(basic.clientId, user);
    const ok = await token({ grant_type: "authorization_code", code: a.code, code_verifier: a.verifier, redirect_uri: REDIRECT_URI }, { basic: [basic.clientId, basic.clientSecret!] });
    expect(ok.status).toBe(200);
    const b = await obtainCode(post.clientId, user);
    const okPost = await token({ grant_type: "authorization_code", client_id: post.clientId, client_secret: post.clientSecret!, code: b.code, code_verifier: b.verifier, redirect_uri: REDIRECT_URI });
    expect(okPost.status).toBe(200);

    const refresh = { grant_type: "refresh_token", refresh_token: ok.body.refresh_token };
    const wrongBasic = await token(refresh, { basic: [basic.clientId, "pcs_wrong"] });
    expect(wrongBasic).toMatchObject({ status: 401, body: { error: "invalid_client", error_description: "Client authentication failed." } });
    expect(wrongBasic.headers.get("www-authenticate")).toMatch(/^Basic realm="portcullis"/);
    // The registered method is the only accepted one; no secret at all is refused for a confidential client.
    expect(await token({ ...refresh, client_id: basic.clientId, client_secret: basic.clientSecret! })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(await token({ ...refresh, client_id: basic.clientId })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    // Two methods at once.
    expect(await token({ ...refresh, client_secret: "x" }, { basic: [basic.clientId, basic.clientSecret!] })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    // A public client cannot present a secret.
    expect(await token({ ...refresh, client_id: clientId, client_secret: "pcs_x" })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(await token({ grant_type: "refresh_token", refresh_token: "x" })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });
});

describe("refresh_token grant", () => {
  it("rotates the refresh token and keeps the grant", async () => {
    const { code, verifier } = await obtainCode(clientId, user, { scope: "clients:read policy:read" });
    const first = await exchangeCode(clientId, code, verifier);
    const second = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token, resource: TEST_RESOURCE });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(second.body.scope).toBe("clients:read policy:read");
    expect((await grantOf(second.body.access_token)).id).toBe((await grantOf(first.body.access_token)).id);
    const [event] = await listAuditEvents(db(), { kinds: ["token.refreshed"], limit: 1 });
    expect(event).toMatchObject({ clientId, subject: user.id });
  });

  it("revokes the whole grant family when a spent refresh token is used again", async () => {
    const { code, verifier } = await obtainCode(clientId, user);
    const first = await exchangeCode(clientId, code, verifier);
    const second = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token });
    const reuse = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token });
    expect(reuse).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "The refresh token has already been used; the whole grant is revoked." } });
    const grant = await grantOf(second.body.access_token);
    expect(grant.revokedAt).not.toBeNull();
    expect(grant.accessTokens.every((t) => t.revokedAt)).toBe(true);
    // The legitimate holder's newest refresh token dies with the family.
    expect(await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: second.body.refresh_token })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant", error_description: "The refresh token has been revoked." },
    });
    const [event] = await listAuditEvents(db(), { kinds: ["token.reuse_detected"], limit: 1 });
    expect(event).toMatchObject({ clientId, subject: user.id, detail: { credential: "refresh token", grantId: grant.id } });
    const [revoked] = await listAuditEvents(db(), { kinds: ["grant.revoked"], limit: 1 });
    expect(revoked.detail).toMatchObject({ grantId: grant.id });
  });

  it("may narrow scope but never widen it", async () => {
    const { code, verifier } = await obtainCode(clientId, user, { scope: "clients:read policy:read" });
    const first = await exchangeCode(clientId, code, verifier);
    const escalate = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token, scope: "clients:read users:read" });
    expect(escalate).toMatchObject({ status: 400, body: { error: "invalid_scope", error_description: "A refresh cannot add scopes that were not granted: users:read." } });
    const narrow = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token, scope: "clients:read" });
    expect(narrow).toMatchObject({ status: 200, body: { scope: "clients:read" } });
    // The rotated refresh token keeps the original scope (RFC 6749 §6).
    const back = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: narrow.body.refresh_token });
    expect(back.body.scope).toBe("clients:read policy:read");
  });

  it("refuses a refresh token of another client, and an expired one", async () => {
    const other = await testClient();
    const { code, verifier } = await obtainCode(clientId, user);
    const first = await exchangeCode(clientId, code, verifier);
    expect(await token({ grant_type: "refresh_token", client_id: other.clientId, refresh_token: first.body.refresh_token })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant", error_description: "The refresh token was issued to another client." },
    });
    await db().refreshToken.update({ where: { tokenHash: hashCredential(first.body.refresh_token) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.body.refresh_token })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant", error_description: "The refresh token has expired." },
    });
  });
});

describe("client_credentials grant", () => {
  it("issues a token as the bound service identity, limited by its roles and the client's allow-list", async () => {
    const service = await createUser({ email: "svc-reporting@example.test", name: "Reporting", kind: "service", roles: ["access_reviewer"] }, CLI_CONTEXT);
    const agent = await testClient(
      { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
      { scopes: ["audit:read", "clients:read", "clients:write"], serviceUser: service.email },
    );
    const basic: [string, string] = [agent.clientId, agent.clientSecret!];
    const all = await token({ grant_type: "client_credentials", resource: TEST_RESOURCE }, { basic });
    expect(all).toMatchObject({ status: 200, body: { scope: "audit:read clients:read", token_type: "Bearer" } });
    expect(all.body.refresh_token).toBeUndefined();
    const claims = await verifyAccessToken(all.body.access_token);
    expect(claims).toMatchObject({ sub: service.id, client_id: agent.clientId, aud: TEST_RESOURCE });
    const row = await db().accessToken.findUniqueOrThrow({ where: { jti: claims.jti } });
    expect(row).toMatchObject({ scopes: ["audit:read", "clients:read"], issuedAt: new Date(claims.iat * 1000), expiresAt: new Date(claims.exp * 1000), revokedAt: null });
    const [issuedEvent] = await listAuditEvents(db(), { kinds: ["token.issued"], limit: 1 });
    expect(issuedEvent).toMatchObject({ subject: service.id, clientId: agent.clientId, detail: { jti: claims.jti, grantType: "client_credentials" } });
    const one = await token({ grant_type: "client_credentials", scope: "audit:read" }, { basic });
    expect(one.body.scope).toBe("audit:read");
    expect((await grantOf(one.body.access_token)).id).toBe((await grantOf(all.body.access_token)).id);
    expect(await token({ grant_type: "client_credentials", scope: "clients:write" }, { basic })).toMatchObject({
      status: 400,
      body: { error: "invalid_scope", error_description: "Not allowed for this client's service identity: clients:write." },
    });
    // RFC 6749 §3.3: more than allowed is narrowed to what is, and the answer says so.
    expect(await token({ grant_type: "client_credentials", scope: "audit:read clients:write" }, { basic })).toMatchObject({ status: 200, body: { scope: "audit:read" } });
    expect(await token({ grant_type: "client_credentials", resource: "https://other.example/mcp" }, { basic })).toMatchObject({ status: 400, body: { error: "invalid_target" } });
  });

  it("notes the client's use for reviewers, written by the background batch rather than on the request's path", async () => {
    const service = await createUser({ email: "svc-usage@example.test", name: "Usage", kind: "service", roles: ["access_reviewer"] }, CLI_CONTEXT);
    const agent = await testClient(
      { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
      { scopes: ["audit:read"], serviceUser: service.email },
    );
    const issuedAt = new Date();
    expect(await token({ grant_type: "client_credentials" }, { basic: [agent.clientId, agent.clientSecret!] })).toMatchObject({ status: 200 });
    await flushUsage();
    const { lastUsedAt } = await db().client.findUniqueOrThrow({ where: { id: agent.clientId } });
    expect(lastUsedAt!.getTime()).toBeGreaterThanOrEqual(issuedAt.getTime() - 1);
  });

  it("never records a token under a grant revoked meanwhile: the next token gets a fresh grant", async () => {
    const service = await createUser({ email: "svc-race@example.test", name: "Race", kind: "service", roles: ["reader"] }, CLI_CONTEXT);
    const agent = await testClient(
      { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_post" },
      { serviceUser: service.email },
    );
    const credentials = { client_id: agent.clientId, client_secret: agent.clientSecret! };
    const first = await token({ grant_type: "client_credentials", ...credentials });
    const revoked = await grantOf(first.body.access_token);
    // Revoked behind the in-memory grant cache's back, as another instance would.
    await db().grant.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const second = await token({ grant_type: "client_credentials", ...credentials });
    expect(second.status).toBe(200);
    const fresh = await grantOf(second.body.access_token);
    expect(fresh.id).not.toBe(revoked.id);
    expect(fresh.revokedAt).toBeNull();
    expect(await db().accessToken.count({ where: { grantId: revoked.id } })).toBe(1);
  });

  it("is refused to a client that did not register it", async () => {
    expect(await token({ grant_type: "client_credentials", client_id: clientId })).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
  });
});

describe("token request format", () => {
  async function raw(body: string, headers: Record<string, string> = {}) {
    const response = await handleTokenRequest(formRequest("/oauth/token", body, { headers })).catch(oauthErrorResponse);
    return { status: response.status, body: await response.json() };
  }

  it("refuses a missing or unknown grant_type", async () => {
    expect(await raw(`client_id=${clientId}`)).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await raw(`grant_type=password&client_id=${clientId}`)).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
  });

  it("refuses repeated parameters", async () => {
    const response = await raw(`grant_type=refresh_token&client_id=${clientId}&refresh_token=a&refresh_token=b`);
    expect(response).toMatchObject({ status: 400, body: { error: "invalid_request", error_description: "The refresh_token parameter is repeated." } });
  });

  it("refuses a body that is not form-encoded", async () => {
    expect(await raw(JSON.stringify({ grant_type: "client_credentials" }), { "Content-Type": "application/json" })).toMatchObject({
      status: 400,
      body: { error: "invalid_request", error_description: "The request body must be application/x-www-form-urlencoded." },
    });
  });

  it("refuses an oversized body", async () => {
    expect(await raw(`grant_type=refresh_token&client_id=${clientId}&refresh_token=${"a".repeat(20_000)}`)).toMatchObject({
      status: 413,
      body: { error: "invalid_request" },
    });
  });

  it("refuses malformed encoding", async () => {
    const response = await handleTokenRequest(
      new Request(`${TEST_ISSUER}/oauth/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new Uint8Array([0xff, 0xfe, 0x3d]) }),
    ).catch(oauthErrorResponse);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe("invalid_request");
  });

  it("refuses any method but POST, naming the one it serves", async () => {
    const response = await handleTokenRequest(new Request(`${TEST_ISSUER}/oauth/token?grant_type=client_credentials`, { method: "GET" }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ error: "invalid_request", error_description: "The token endpoint accepts POST only." });
  });
});
