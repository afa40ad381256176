import { Client, CrossAppAccessProvider, requestJwtAuthorizationGrant, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { forgetRemoteJwks } from "@/lib/assertions/load-remote-jwks";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { addTrustedIdp } from "@/lib/idps/add-trusted-idp";
import { linkIdpAccount } from "@/lib/idps/link-idp-account";
import { removeTrustedIdp } from "@/lib/idps/remove-trusted-idp";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { serveResourceMetadata } from "@/lib/mcp/serve-resource-metadata";
import { syncTools } from "@/lib/mcp/sync-tools";
import { authorizationServerMetadata } from "@/lib/oauth/metadata/authorization-server-metadata";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { startEnterpriseIdp, type EnterpriseIdp } from "@/test/support/enterprise-idp";
import { httpsFetch } from "@/test/support/https-fetch";
import { startHttpsStandin, type HttpsStandin } from "@/test/support/https-standin";
import { testClient, TEST_ISSUER, TEST_RESOURCE, token } from "@/test/support/oauth";
import { testKeyPair, unsignedAssertion } from "@/test/support/signed-assertions";
import { startOwnUpstream } from "@/test/support/upstreams";

/**
 * Enterprise-managed authorization (the MCP extension io.modelcontextprotocol/enterprise-managed-authorization): an
 * enterprise IdP the administrator trusts issues an ID-JAG by RFC 8693 token exchange, and the client redeems it here
 * with the RFC 7523 jwt-bearer grant — no consent screen, still an approved client, still the user's roles. The v2 SDK's
 * CrossAppAccessProvider runs the flow against a stand-in IdP; every malformed assertion is refused with the exact error.
 */
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let standin: HttpsStandin;
let idp: EnterpriseIdp;
let alice: { id: string; email: string };
let agent: { clientId: string; clientSecret: string };
let other: { clientId: string; clientSecret: string };

const claims = (extra: Record<string, unknown> = {}) => ({
  sub: "okta-u-1",
  email: alice.email,
  aud: TEST_ISSUER,
  resource: TEST_RESOURCE,
  client_id: agent.clientId,
  scope: "account:read clients:read",
  ...extra,
});

const redeem = (assertion: string, extra: Record<string, string> = {}, as = agent) =>
  token({ grant_type: JWT_BEARER, assertion, ...extra }, { basic: [as.clientId, as.clientSecret] });

const refusedGrant = { status: 400, body: { error: "invalid_grant", error_description: "The identity assertion was refused." } };

async function lastRefusal() {
  return db().auditEvent.findFirstOrThrow({ where: { kind: "assertion_grant.refused" }, orderBy: { seq: "desc" } });
}

async function route(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(url, init);
  const target = new URL(request.url);
  if (target.origin === standin.origin) return httpsFetch(request);
  if (target.pathname === "/mcp") return handleMcpRequest(request);
  if (target.pathname.startsWith("/.well-known/oauth-protected-resource")) return serveResourceMetadata(request);
  if (target.pathname === "/.well-known/oauth-authorization-server") return Response.json(await authorizationServerMetadata("oauth"));
  if (target.pathname === "/oauth/token") return handleTokenRequest(request);
  return new Response("not found", { status: 404 });
}

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: "true" });
  standin = await startHttpsStandin();
  idp = await startEnterpriseIdp(standin);
  await addTrustedIdp({ issuer: idp.issuer, name: "Acme Okta", jwksUri: idp.jwksUri, subjectMapping: "email", allowedEmailDomains: ["acme.example"] }, CLI_CONTEXT);
  alice = await createUser({ email: "alice@acme.example", name: "Alice", roles: ["reader"] }, CLI_CONTEXT);
  const metadata = { grant_types: [JWT_BEARER], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" };
  agent = (await testClient(metadata, { scopes: ["account:read", "clients:read", "clients:write", "audit:read"] })) as typeof agent;
  other = (await testClient(metadata, { scopes: ["account:read"] })) as typeof other;
  idp.mcpClientId = agent.clientId;
});
afterAll(async () => {
  reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: "false" });
  await standin.close();
  await database.close();
});
beforeEach(() => forgetRemoteJwks());

describe("the v2 SDK's CrossAppAccessProvider against a stand-in enterprise IdP", () => {
  it("exchanges the user's ID token for an ID-JAG at the IdP, redeems it here, and calls a tool as that user", async () => {
    const idToken = await idp.idToken({ sub: "okta-u-1", email: alice.email });
    const provider = new CrossAppAccessProvider({
      assertion: async (ctx) =>
        (
          await requestJwtAuthorizationGrant({
            tokenEndpoint: idp.tokenEndpoint,
            audience: ctx.authorizationServerUrl,
            resource: ctx.resourceUrl,
            idToken,
            clientId: idp.client.id,
            clientSecret: idp.client.secret,
            scope: ctx.scope,
            fetchFn: ctx.fetchFn,
          })
        ).jwtAuthGrant,
      clientId: agent.clientId,
      clientSecret: agent.clientSecret,
      expectedIssuer: TEST_ISSUER,
      fetchFn: route,
    });
    const client = new Client({ name: "xaa-agent", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(TEST_RESOURCE), { authProvider: provider, fetch: route }));
    const exchange = idp.exchanges.at(-1)!;
    expect(exchange).toMatchObject({ audience: TEST_ISSUER, resource: TEST_RESOURCE, requested_token_type: "urn:ietf:params:oauth:token-type:id-jag" });
    const issued = provider.tokens()!;
    expect(issued.refresh_token).toBeUndefined();
    // requested ∩ the ID-JAG's scopes ∩ alice's roles (reader) ∩ the client's allow-list.
    expect(issued.scope!.split(" ").sort()).toEqual(["account:read", "clients:read"]);
    expect(decodeJwt(issued.access_token)).toMatchObject({ sub: alice.id, client_id: agent.clientId, aud: TEST_RESOURCE });
    const whoami = await client.callTool({ name: "whoami", arguments: {} });
    expect(whoami.isError).toBeFalsy();
    expect(whoami.structuredContent).toMatchObject({ user: { id: alice.id } });
    const event = await db().auditEvent.findFirstOrThrow({ where: { kind: "token.issued", clientId: agent.clientId }, orderBy: { seq: "desc" } });
    expect(event.reason).toBe(`access token issued to Test client on an ID-JAG from Acme Okta (${idp.issuer})`);
    expect(event.detail).toMatchObject({ grantType: JWT_BEARER, idp: idp.issuer });
    await client.close();
  });
});

describe("the jwt-bearer grant with an ID-JAG", () => {
  it("narrows scopes to the request, the assertion, the user's roles and the client's allow-list, and spends the jti", async () => {
    const jag = await idp.signIdJag(claims({ scope: "account:read clients:read clients:write audit:read" }));
    const first = await redeem(jag, { scope: "clients:read clients:write audit:read" });
    expect(first).toMatchObject({ status: 200, body: { scope: "clients:read", token_type: "Bearer" } });
    expect(first.body.refresh_token).toBeUndefined();
    expect(await redeem(jag)).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${idp.issuer} refused: the assertion's jti was already used (replay)`);
    expect((await lastRefusal()).detail).toMatchObject({ idp: idp.issuer });
  });

  it.each([
    ["expired", { exp: Math.floor(Date.now() / 1000) - 120, iat: Math.floor(Date.now() / 1000) - 400 }, "the assertion has expired"],
    ["issued in the future", { iat: Math.floor(Date.now() / 1000) + 600 }, "the assertion's iat is in the future"],
    ["for another authorization server", { aud: "https://other-as.example" }, "claim aud is not acceptable (check_failed)"],
    ["for another client", { client_id: "pcl_someone_else" }, "its client_id is not the authenticated client"],
    ["for another resource", { resource: "https://other.example/mcp" }, "its resource is not this server's MCP resource"],
    ["from an unallowed email domain", { email: "mallory@evil.example" }, "email domain evil.example is not allowed for this identity provider"],
  ])("refuses an ID-JAG %s with invalid_grant", async (_label, extra, reason) => {
    expect(await redeem(await idp.signIdJag(claims(extra)))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${idp.issuer} refused: ${reason}`);
  });

  it("refuses forged, unsigned, untyped and untrusted assertions with invalid_grant", async () => {
    const forger = await testKeyPair("RS256", idp.key.kid);
    expect(await redeem(await idp.signIdJag(claims(), { key: forger }))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${idp.issuer} refused: the signature does not verify`);
    expect(await redeem(await unsignedAssertion({ iss: idp.issuer, ...claims() }, "none"))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${idp.issuer} refused: signing algorithm none is not allowed`);
    expect(await redeem(await unsignedAssertion({ iss: idp.issuer, ...claims() }, "HS256"))).toMatchObject(refusedGrant);
    expect(await redeem(await idp.signIdJag(claims(), { typ: "JWT" }))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${idp.issuer} refused: the assertion's typ is JWT, not oauth-id-jag+jwt`);
    expect(await redeem(await idp.signIdJag(claims({ iss: "https://rogue-idp.example" })))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe("ID-JAG from https://rogue-idp.example refused: the issuer is not a trusted identity provider");
    expect(await redeem("not-a-jwt")).toMatchObject(refusedGrant);
  });

  it("needs the client's own credentials, an approved client, and a client that registered the grant", async () => {
    const jag = await idp.signIdJag(claims());
    expect(await token({ grant_type: JWT_BEARER, assertion: jag }, { basic: [agent.clientId, "wrong"] })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    const pending = (await testClient({ grant_types: [JWT_BEARER], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" }, { approve: false })) as typeof agent;
    expect(await redeem(await idp.signIdJag(claims({ client_id: pending.clientId })), {}, pending)).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    const codeClient = (await testClient({ token_endpoint_auth_method: "client_secret_basic" })) as typeof agent;
    expect(await redeem(await idp.signIdJag(claims({ client_id: codeClient.clientId })), {}, codeClient)).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    expect(await redeem(jag, { resource: "https://other.example/mcp" })).toMatchObject({ status: 400, body: { error: "invalid_target" } });
    expect(await redeem(await idp.signIdJag(claims()), {}, other)).toMatchObject(refusedGrant);
    expect(await redeem(await idp.signIdJag(claims()), { scope: "users:write" })).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
  });

  it("maps linked subjects, refuses disabled users, and stops at once when the IdP is no longer trusted", async () => {
    const linkedIdp = await startEnterpriseIdp(standin, "/entra");
    await addTrustedIdp({ issuer: linkedIdp.issuer, name: "Entra", jwksUri: linkedIdp.jwksUri, subjectMapping: "linked" }, CLI_CONTEXT);
    const bob = await createUser({ email: "bob@elsewhere.example", name: "Bob", roles: ["reader"] }, CLI_CONTEXT);
    const jagFor = (sub: string) => linkedIdp.signIdJag(claims({ sub, email: undefined }));
    expect(await redeem(await jagFor("entra-bob"))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${linkedIdp.issuer} refused: subject entra-bob is not linked to a local user`);
    await linkIdpAccount({ idp: linkedIdp.issuer, subject: "entra-bob", user: bob.email }, CLI_CONTEXT);
    const ok = await redeem(await jagFor("entra-bob"));
    expect(ok).toMatchObject({ status: 200 });
    expect(decodeJwt(ok.body.access_token).sub).toBe(bob.id);
    await setUserDisabled(bob.id, true, CLI_CONTEXT);
    expect(await redeem(await jagFor("entra-bob"))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${linkedIdp.issuer} refused: the mapped user is disabled`);
    await removeTrustedIdp(linkedIdp.issuer, CLI_CONTEXT);
    expect(await redeem(await jagFor("entra-bob"))).toMatchObject(refusedGrant);
    expect((await lastRefusal()).reason).toBe(`ID-JAG from ${linkedIdp.issuer} refused: the issuer is not a trusted identity provider`);
  });

  it("is advertised in the authorization server metadata", async () => {
    const metadata = await authorizationServerMetadata("oauth");
    expect(metadata.grant_types_supported).toContain(JWT_BEARER);
    expect(metadata.authorization_grant_profiles_supported).toEqual(["urn:ietf:params:oauth:grant-profile:id-jag"]);
  });
});

describe("the jwt-bearer grant for a registered upstream server (DESIGN §10)", () => {
  it("issues a token for /mcp/<name> when the request and the assertion name it, and refuses any mismatch", async () => {
    const upstream = await startOwnUpstream(0);
    try {
      await addUpstreamServer({ name: "jagsrv", url: upstream.url, acceptAll: true }, CLI_CONTEXT);
      const resource = `${TEST_ISSUER}/mcp/jagsrv`;
      const both = await redeem(await idp.signIdJag(claims({ resource })), { resource });
      expect(both.status).toBe(200);
      expect(decodeJwt(both.body.access_token).aud).toBe(resource);
      // The assertion alone names the target when the request does not.
      const claimOnly = await redeem(await idp.signIdJag(claims({ resource })));
      expect(decodeJwt(claimOnly.body.access_token).aud).toBe(resource);
      // An assertion for /mcp is not a token for /mcp/jagsrv, nor the other way round.
      expect(await redeem(await idp.signIdJag(claims()), { resource })).toMatchObject(refusedGrant);
      expect((await lastRefusal()).reason).toBe(`ID-JAG from ${idp.issuer} refused: its resource is not this server's MCP resource`);
      expect(await redeem(await idp.signIdJag(claims({ resource })), { resource: TEST_RESOURCE })).toMatchObject(refusedGrant);
      expect(await redeem(await idp.signIdJag(claims({ resource: `${TEST_ISSUER}/mcp/ghost` })))).toMatchObject(refusedGrant);
      expect(await redeem(await idp.signIdJag(claims()), { resource: `${TEST_ISSUER}/mcp/ghost` })).toMatchObject({ status: 400, body: { error: "invalid_target" } });
    } finally {
      await closeUpstreams();
      await upstream.stop();
    }
  });
});
