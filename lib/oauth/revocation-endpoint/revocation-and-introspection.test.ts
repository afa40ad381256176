import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { suspendClient } from "@/lib/clients/suspend-client";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { handleIntrospectionRequest } from "@/lib/oauth/introspection/handle-introspection-request";
import { handleRevocationRequest } from "@/lib/oauth/revocation-endpoint/handle-revocation-request";
import { exchangeCode, formRequest, obtainCode, readJson, testClient, testUser, token } from "@/test/support/oauth";
import { mintAccessToken } from "@/lib/access-tokens/mint-access-token";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let user: SignedInUser;
let publicClient: { clientId: string };
let confidential: { clientId: string; clientSecret: string | null };

beforeAll(async () => {
  database = await openTestDatabase();
  user = await testUser(["reader"]);
  publicClient = await testClient();
  confidential = await testClient({ token_endpoint_auth_method: "client_secret_basic" });
});
afterAll(() => database.close());

async function issue(clientId: string, basic?: [string, string]) {
  const { code, verifier } = await obtainCode(clientId, user, { scope: "clients:read" });
  const response = basic
    ? await token({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: "http://127.0.0.1:33418/callback" }, { basic })
    : await exchangeCode(clientId, code, verifier);
  return response.body as { access_token: string; refresh_token: string };
}

async function revoke(params: Record<string, string>, basic?: [string, string]) {
  const response = await handleRevocationRequest(formRequest("/oauth/revoke", params, { basic })).catch(oauthErrorResponse);
  return { status: response.status, body: response.status === 200 ? await response.text() : await readJson(response) };
}

async function introspect(params: Record<string, string>, basic?: [string, string]) {
  const response = await handleIntrospectionRequest(formRequest("/oauth/introspect", params, { basic })).catch(oauthErrorResponse);
  return { status: response.status, body: await readJson(response), headers: response.headers };
}

describe("revocation (RFC 7009)", () => {
  it("revokes a refresh token and its whole grant for a public client", async () => {
    const tokens = await issue(publicClient.clientId);
    expect(await revoke({ client_id: publicClient.clientId, token: tokens.refresh_token, token_type_hint: "refresh_token" })).toEqual({ status: 200, body: "" });
    expect(await token({ grant_type: "refresh_token", client_id: publicClient.clientId, refresh_token: tokens.refresh_token })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant", error_description: "The refresh token has been revoked." },
    });
    const grants = await db().grant.findMany({ where: { clientId: publicClient.clientId, revokedAt: { not: null } }, include: { accessTokens: true } });
    expect(grants.some((g) => g.accessTokens.every((t) => t.revokedAt))).toBe(true);
    const [event] = await listAuditEvents(db(), { kinds: ["grant.revoked"], limit: 1 });
    expect(event).toMatchObject({ actor: `client:${publicClient.clientId}`, clientId: publicClient.clientId });
  });

  it("revokes a single access token", async () => {
    const tokens = await issue(publicClient.clientId);
    expect((await revoke({ client_id: publicClient.clientId, token: tokens.access_token })).status).toBe(200);
    const [event] = await listAuditEvents(db(), { kinds: ["token.revoked"], limit: 1 });
    const jti = (event.detail as { jti: string }).jti;
    expect((await db().accessToken.findUniqueOrThrow({ where: { jti } })).revokedAt).not.toBeNull();
    // The refresh token (same grant) still works: only that access token was revoked.
    expect((await token({ grant_type: "refresh_token", client_id: publicClient.clientId, refresh_token: tokens.refresh_token })).status).toBe(200);
  });

  it("answers 200 for unknown and malformed tokens", async () => {
    expect((await revoke({ client_id: publicClient.clientId, token: "pcr_unknown" })).status).toBe(200);
    expect((await revoke({ client_id: publicClient.clientId, token: "garbage" })).status).toBe(200);
  });

  it("refuses another client's token, an unauthenticated caller and a missing token", async () => {
    const tokens = await issue(publicClient.clientId);
    const other = await testClient();
    expect(await revoke({ client_id: other.clientId, token: tokens.refresh_token })).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    expect(await revoke({ token: tokens.refresh_token })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(await revoke({ client_id: publicClient.clientId })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect((await token({ grant_type: "refresh_token", client_id: publicClient.clientId, refresh_token: tokens.refresh_token })).status).toBe(200);
  });
});

describe("introspection (RFC 7662)", () => {
  const basic = (): [string, string] => [confidential.clientId, confidential.clientSecret!];

  it("describes an active token to the client it was issued to", async () => {
    const tokens = await issue(confidential.clientId, basic());
    const { status, body, headers } = await introspect({ token: tokens.access_token }, basic());
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(body).toMatchObject({ active: true, token_type: "Bearer", scope: "clients:read", client_id: confidential.clientId, sub: user.id, username: user.email });
    const refresh = await introspect({ token: tokens.refresh_token }, basic());
    expect(refresh.body).toMatchObject({ active: true, token_type: "refresh_token", client_id: confidential.clientId });
  });

  it("says only active:false for revoked, foreign, forged and unknown tokens", async () => {
    const tokens = await issue(confidential.clientId, basic());
    await handleRevocationRequest(formRequest("/oauth/revoke", { token: tokens.access_token }, { basic: basic() }));
    expect((await introspect({ token: tokens.access_token }, basic())).body).toEqual({ active: false });
    const foreign = await issue(publicClient.clientId);
    expect((await introspect({ token: foreign.access_token }, basic())).body).toEqual({ active: false });
    const unrecorded = await mintAccessToken({ subject: user.id, clientId: confidential.clientId, scopes: ["clients:read"], grantId: "no-such-grant" });
    expect((await introspect({ token: unrecorded.token }, basic())).body).toEqual({ active: false });
    expect((await introspect({ token: "nonsense" }, basic())).body).toEqual({ active: false });
  });

  it("lets a client whose service identity holds tokens:read inspect any token", async () => {
    const service = await createUser({ email: "svc-gateway@example.test", name: "Gateway", kind: "service", roles: ["access_reviewer"] }, CLI_CONTEXT);
    const gateway = await testClient(
      { token_endpoint_auth_method: "client_secret_post", grant_types: ["client_credentials"], response_types: [], redirect_uris: [] },
      { serviceUser: service.email },
    );
    const foreign = await issue(publicClient.clientId);
    const response = await handleIntrospectionRequest(
      formRequest("/oauth/introspect", { token: foreign.access_token, client_id: gateway.clientId, client_secret: gateway.clientSecret! }),
    );
    expect(await response.json()).toMatchObject({ active: true, client_id: publicClient.clientId });
  });

  it("reports tokens of a suspended client inactive", async () => {
    const tokens = await issue(confidential.clientId, basic());
    const watcher = await testClient({ token_endpoint_auth_method: "client_secret_basic" });
    await suspendClient(confidential.clientId, "incident", CLI_CONTEXT);
    // The suspended client itself can no longer introspect either.
    expect(await introspect({ token: tokens.access_token }, basic())).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    expect((await introspect({ token: tokens.access_token }, [watcher.clientId, watcher.clientSecret!])).body).toEqual({ active: false });
  });

  it("requires a confidential caller", async () => {
    const tokens = await issue(publicClient.clientId);
    expect(await introspect({ token: tokens.access_token, client_id: publicClient.clientId })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });
});
