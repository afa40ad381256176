import { randomUUID } from "node:crypto";
import { Client, PrivateKeyJwtProvider, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { exportJWK, decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { forgetRemoteJwks } from "@/lib/assertions/load-remote-jwks";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { serveResourceMetadata } from "@/lib/mcp/serve-resource-metadata";
import { syncTools } from "@/lib/mcp/sync-tools";
import { handleIntrospectionRequest } from "@/lib/oauth/introspection/handle-introspection-request";
import { authorizationServerMetadata } from "@/lib/oauth/metadata/authorization-server-metadata";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";
import { approveClient } from "@/lib/clients/approve-client";
import { registerClient } from "@/lib/clients/register-client";
import { sweepExpiredArtefacts } from "@/lib/maintenance/sweep-expired-artefacts";
import { handleRevocationRequest } from "@/lib/oauth/revocation-endpoint/handle-revocation-request";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { json, startHttpsStandin, type HttpsStandin } from "@/test/support/https-standin";
import { exchangeCode, formRequest, obtainCode, readJson, testClient, testUser, TEST_ISSUER, TEST_RESOURCE, token } from "@/test/support/oauth";
import { signAssertion, testKeyPair, unsignedAssertion, type TestKeyPair } from "@/test/support/signed-assertions";

/**
 * private_key_jwt client authentication (RFC 7523 §2.2, §3; the MCP oauth-client-credentials extension): a service agent
 * registers its public key and proves itself with single-use signed assertions — no shared secret — at the token and
 * introspection endpoints. The official v2 SDK's PrivateKeyJwtProvider runs the whole flow; every malformed assertion is
 * the same `invalid_client` answer.
 */
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const TOKEN_ENDPOINT = `${TEST_ISSUER}/oauth/token`;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let standin: HttpsStandin;
let serviceEmail: string;
let serviceId: string;
let key: TestKeyPair;
let agentId: string;

async function keyClient(metadata: Record<string, unknown>, scopes = ["account:read", "clients:read"]) {
  const { clientId, clientSecret } = await testClient(
    { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "private_key_jwt", ...metadata },
    { scopes, serviceUser: serviceEmail },
  );
  expect(clientSecret).toBeNull();
  return clientId;
}

const claimsFor = (clientId: string, extra: Record<string, unknown> = {}) => ({ iss: clientId, sub: clientId, aud: TEST_ISSUER, ...extra });

const withAssertion = (assertion: string, extra: Record<string, string> = {}) =>
  token({ grant_type: "client_credentials", client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, ...extra });

const refusedClient = { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed." } };

async function lastFailure() {
  return db().auditEvent.findFirstOrThrow({ where: { kind: "client.authentication_failed" }, orderBy: { seq: "desc" } });
}

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  standin = await startHttpsStandin();
  const service = await createUser({ email: `svc-pkj-${randomUUID().slice(0, 6)}@example.test`, name: "Key agent", kind: "service", roles: ["developer", "reader"] }, CLI_CONTEXT);
  serviceEmail = service.email;
  serviceId = service.id;
  key = await testKeyPair("ES256");
  agentId = await keyClient({ jwks: { keys: [key.publicJwk] } });
});
afterAll(async () => {
  reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: "false" });
  await standin.close();
  await database.close();
});
beforeEach(() => {
  reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: "true" });
  forgetRemoteJwks();
});

describe("the v2 SDK's PrivateKeyJwtProvider, end to end", () => {
  async function route(url: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(url, init);
    const { pathname } = new URL(request.url);
    if (pathname === "/mcp") return handleMcpRequest(request);
    if (pathname.startsWith("/.well-known/oauth-protected-resource")) return serveResourceMetadata(request);
    if (pathname === "/.well-known/oauth-authorization-server") return Response.json(await authorizationServerMetadata("oauth"));
    if (pathname === "/oauth/token") return handleTokenRequest(request);
    return new Response("not found", { status: 404 });
  }

  it("discovers the server, authenticates with a signed assertion instead of a secret, and calls a tool on /mcp", async () => {
    const provider = new PrivateKeyJwtProvider({
      clientId: agentId,
      privateKey: await exportJWK(key.privateKey),
      algorithm: "ES256",
      expectedIssuer: TEST_ISSUER,
    });
    const client = new Client({ name: "key-agent", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(TEST_RESOURCE), { authProvider: provider, fetch: route }));
    const issued = provider.tokens()!;
    expect(issued.refresh_token).toBeUndefined();
    expect(decodeJwt(issued.access_token)).toMatchObject({ sub: serviceId, client_id: agentId, aud: TEST_RESOURCE });
    const whoami = await client.callTool({ name: "whoami", arguments: {} });
    expect(whoami.isError).toBeFalsy();
    expect(whoami.structuredContent).toMatchObject({ user: { id: serviceId } });
    await client.close();
  });
});

describe("private_key_jwt at the token endpoint", () => {
  it("accepts an assertion addressed to the issuer or the token endpoint, once", async () => {
    const first = await signAssertion(key, claimsFor(agentId));
    expect(await withAssertion(first)).toMatchObject({ status: 200, body: { token_type: "Bearer", scope: "account:read clients:read" } });
    expect(await withAssertion(first)).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client assertion refused: the assertion's jti was already used (replay)");
    const toEndpoint = await signAssertion(key, claimsFor(agentId, { aud: TOKEN_ENDPOINT }));
    expect(await withAssertion(toEndpoint, { client_id: agentId })).toMatchObject({ status: 200 });
  });

  it.each([
    ["expired", { exp: Math.floor(Date.now() / 1000) - 120 }, "client assertion refused: the assertion has expired"],
    ["expiring too far ahead", { exp: Math.floor(Date.now() / 1000) + 3600 }, "client assertion refused: the assertion expires more than 300 s from now"],
    ["issued in the future", { iat: Math.floor(Date.now() / 1000) + 600 }, "client assertion refused: the assertion's iat is in the future"],
    ["for another audience", { aud: "https://other.example" }, 'client assertion refused: claim aud is not acceptable (check_failed)'],
    ["without a jti", { jti: "" }, "client assertion refused: the assertion has no usable jti"],
  ])("refuses an assertion %s", async (_label, extra, reason) => {
    expect(await withAssertion(await signAssertion(key, claimsFor(agentId, extra)))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe(reason);
  });

  it("refuses forged, unsigned and HMAC assertions, and iss ≠ sub", async () => {
    const stranger = await testKeyPair("ES256", key.kid);
    expect(await withAssertion(await signAssertion(stranger, claimsFor(agentId)))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client assertion refused: the signature does not verify");
    expect(await withAssertion(await unsignedAssertion(claimsFor(agentId), "none"))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client assertion refused: signing algorithm none is not allowed");
    expect(await withAssertion(await unsignedAssertion(claimsFor(agentId), "HS256"))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client assertion refused: signing algorithm HS256 is not allowed");
    expect(await withAssertion(await signAssertion(key, claimsFor(agentId, { iss: "someone-else" })))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toMatch(/^client assertion refused: claim iss is not acceptable/);
  });

  it("keeps each client to its one method: no secret for a key client, no assertion for a secret client", async () => {
    expect(await token({ grant_type: "client_credentials", client_id: agentId, client_secret: "guess" })).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("wrong authentication method: registered private_key_jwt, presented client_secret_post");
    const secretClient = await testClient(
      { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
      { scopes: ["account:read"], serviceUser: serviceEmail },
    );
    expect(await withAssertion(await signAssertion(key, claimsFor(secretClient.clientId)))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("wrong authentication method: registered client_secret_basic, presented private_key_jwt");
    const both = await token(
      { grant_type: "client_credentials", client_assertion_type: ASSERTION_TYPE, client_assertion: await signAssertion(key, claimsFor(agentId)) },
      { basic: [agentId, "x"] },
    );
    expect(both).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("refuses an unknown assertion type, a client_id that differs from sub, and an oversized assertion", async () => {
    const assertion = await signAssertion(key, claimsFor(agentId));
    expect(await token({ grant_type: "client_credentials", client_assertion_type: "urn:example:saml", client_assertion: assertion })).toMatchObject(refusedClient);
    expect(await withAssertion(assertion, { client_id: "pcl_someone_else" })).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client_id differs from the client assertion's sub");
    expect(await withAssertion(await signAssertion(key, claimsFor(agentId, { padding: "x".repeat(9000) })))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client_assertion is longer than 8192 bytes");
  });
});

describe("jwks_uri", () => {
  it("fetches the key set through the defensive fetcher, caches it, and fetches it again once for an unknown kid", async () => {
    const published = [key.publicJwk];
    const uri = standin.route("/agent/jwks.json", (_req, _body, res) => json(res, 200, { keys: published }));
    const clientId = await keyClient({ jwks_uri: uri });
    expect(await withAssertion(await signAssertion(key, claimsFor(clientId)))).toMatchObject({ status: 200 });
    expect(await withAssertion(await signAssertion(key, claimsFor(clientId)))).toMatchObject({ status: 200 });
    expect(standin.hits.get("/agent/jwks.json")).toBe(1);
    const rotated = await testKeyPair("RS256");
    published.push(rotated.publicJwk);
    const realNow = Date.now;
    Date.now = () => realNow() + 11_000;
    try {
      expect(await withAssertion(await signAssertion(rotated, claimsFor(clientId)))).toMatchObject({ status: 200 });
    } finally {
      Date.now = realNow;
    }
    expect(standin.hits.get("/agent/jwks.json")).toBe(2);
  });

  it("refuses a key set at a private address, one that redirects, and one that never answers", async () => {
    const redirecting = standin.route("/agent/moved.json", (_req, _body, res) => void res.writeHead(302, { Location: "https://example.com/jwks" }).end());
    const silent = standin.route("/agent/silent.json", () => undefined);
    const privateUri = await keyClient({ jwks_uri: `${standin.origin}/agent/jwks.json` });
    const moved = await keyClient({ jwks_uri: redirecting });
    const hanging = await keyClient({ jwks_uri: silent });
    reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: "false" });
    standin.dropConnections();
    expect(await withAssertion(await signAssertion(key, claimsFor(privateUri)))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client assertion refused: the key set could not be used: jwks_uri host resolves to a private address (127.0.0.1)");
    reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: "true" });
    expect(await withAssertion(await signAssertion(key, claimsFor(moved)))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client assertion refused: the key set could not be used: jwks_uri document answered with a redirect (302); redirects are not followed");
    expect(await withAssertion(await signAssertion(key, claimsFor(hanging)))).toMatchObject(refusedClient);
    expect((await lastFailure()).reason).toBe("client assertion refused: the key set could not be used: jwks_uri document took longer than 3 s");
  });
});

describe("private_key_jwt elsewhere", () => {
  it("lets a metadata-document client (CIMD §6.2) authenticate with the key it publishes, once approved", async () => {
    const url = standin.route("/agent/client.json", (_req, _body, res) =>
      json(res, 200, {
        client_id: `${standin.origin}/agent/client.json`,
        client_name: "Document agent",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "private_key_jwt",
        jwks: { keys: [key.publicJwk] },
      }),
    );
    const pending = await withAssertion(await signAssertion(key, claimsFor(url)));
    expect(pending).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    await approveClient(url, "known vendor", CLI_CONTEXT, { scopes: ["account:read"], serviceUser: serviceEmail });
    expect(await withAssertion(await signAssertion(key, claimsFor(url)))).toMatchObject({ status: 200, body: { scope: "account:read" } });
  });

  it("authenticates revocation, and spent assertion ids are swept once expired", async () => {
    const issued = await withAssertion(await signAssertion(key, claimsFor(agentId)));
    const revoked = await handleRevocationRequest(
      formRequest("/oauth/revoke", { token: issued.body.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await signAssertion(key, claimsFor(agentId)) }),
    );
    expect(revoked.status).toBe(200);
    expect(await db().usedAssertion.count()).toBeGreaterThan(0);
    await sweepExpiredArtefacts({ now: new Date(Date.now() + 3_600_000), graceSeconds: 0 });
    expect(await db().usedAssertion.count()).toBe(0);
  });

  it("authenticates the authorization_code exchange and introspection", async () => {
    const user = await testUser(["reader"]);
    const { clientId } = await testClient({ token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [key.publicJwk] } });
    const { code, verifier } = await obtainCode(clientId, user, { scope: "clients:read" });
    const exchanged = await exchangeCode(clientId, code, verifier, {
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await signAssertion(key, claimsFor(clientId)),
    });
    expect(exchanged).toMatchObject({ status: 200, body: { scope: "clients:read" } });
    const refreshed = await token({
      grant_type: "refresh_token",
      refresh_token: exchanged.body.refresh_token,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await signAssertion(key, claimsFor(clientId)),
    });
    expect(refreshed.status).toBe(200);
    const introspected = await handleIntrospectionRequest(
      formRequest("/oauth/introspect", {
        token: refreshed.body.access_token,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await signAssertion(key, claimsFor(clientId)),
      }),
    );
    expect(await readJson(introspected)).toMatchObject({ active: true, client_id: clientId });
  });

  it("is advertised in the metadata, and registration insists on public keys", async () => {
    const metadata = await authorizationServerMetadata("oauth");
    expect(metadata.token_endpoint_auth_methods_supported).toContain("private_key_jwt");
    expect(metadata.introspection_endpoint_auth_methods_supported).toContain("private_key_jwt");
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(["RS256", "PS256", "ES256", "EdDSA"]);
    const ctx = { actor: "anonymous", ip: "198.51.100.77" };
    const base = { client_name: "k", grant_types: ["client_credentials"], token_endpoint_auth_method: "private_key_jwt" };
    await expect(registerClient(base, ctx)).rejects.toMatchObject({ error: "invalid_client_metadata", description: "token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri." });
    const privateJwk = await exportJWK(key.privateKey);
    await expect(registerClient({ ...base, jwks: { keys: [privateJwk] } }, ctx)).rejects.toMatchObject({ description: "jwks contains private key material." });
    await expect(registerClient({ ...base, jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }, ctx)).rejects.toMatchObject({
      description: "jwks contains a key of type oct; only RSA, EC and OKP public keys are accepted.",
    });
    await expect(registerClient({ ...base, jwks_uri: "http://keys.example/jwks" }, ctx)).rejects.toMatchObject({ description: "jwks_uri must be an https URL." });
  });
});
