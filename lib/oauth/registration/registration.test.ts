import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { authorizationServerMetadata } from "@/lib/oauth/metadata/authorization-server-metadata";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { handleRegistrationRequest } from "@/lib/oauth/registration/handle-registration-request";
import { credentialMatches } from "@/lib/oauth/secrets";
import { jsonRequest, readJson } from "@/test/support/oauth";
import { DEFAULT_REGISTRATION_POLICY } from "@/lib/settings/registration-policy";
import { updateRegistrationPolicy } from "@/lib/settings/update-registration-policy";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

let ipCounter = 0;
/** Each test registers from its own address so the per-IP limit only bites where a test means it to. */
function freshIp() {
  ipCounter += 1;
  return `198.51.100.${ipCounter}`;
}

async function register(body: unknown, ip = freshIp(), headers?: Record<string, string>) {
  const response = await handleRegistrationRequest(jsonRequest("/oauth/register", body, { ip, headers })).catch(oauthErrorResponse);
  return { status: response.status, body: await readJson(response), headers: response.headers };
}

const publicClient = {
  client_name: "Inspector",
  redirect_uris: ["http://localhost:6274/oauth/callback"],
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  token_endpoint_auth_method: "none",
};

describe("authorization server metadata (RFC 8414)", () => {
  it("names the issuer exactly and advertises what MCP clients check", async () => {
    const metadata = await authorizationServerMetadata("oauth");
    expect(metadata).toMatchObject({
      issuer: "http://localhost:3999",
      authorization_endpoint: "http://localhost:3999/oauth/authorize",
      token_endpoint: "http://localhost:3999/oauth/token",
      registration_endpoint: "http://localhost:3999/oauth/register",
      revocation_endpoint: "http://localhost:3999/oauth/revoke",
      introspection_endpoint: "http://localhost:3999/oauth/introspect",
      device_authorization_endpoint: "http://localhost:3999/oauth/device_authorization",
      jwks_uri: "http://localhost:3999/oauth/jwks",
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ["code"],
      grant_types_supported: [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
      ],
      authorization_grant_profiles_supported: ["urn:ietf:params:oauth:grant-profile:id-jag"],
      token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
      token_endpoint_auth_signing_alg_values_supported: ["RS256", "PS256", "ES256", "EdDSA"],
    });
    expect(metadata.scopes_supported).toContain("clients:read");
    expect(metadata.subject_types_supported).toBeUndefined();
    const openid = await authorizationServerMetadata("openid");
    expect(openid).toMatchObject({ ...metadata, subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["ES256"] });
  });
});

describe("dynamic client registration (RFC 7591)", () => {
  it("registers a public client as pending, with the default allow-list, and audits it", async () => {
    const { status, body, headers } = await register(publicClient, "203.0.113.7");
    expect(status).toBe(201);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(body.client_id).toMatch(/^pcl_[\w-]{22}$/);
    expect(body.client_secret).toBeUndefined();
    expect(body).toMatchObject({
      redirect_uris: publicClient.redirect_uris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      client_name: "Inspector",
    });
    const client = await db().client.findUniqueOrThrow({ where: { id: body.client_id } });
    expect(client).toMatchObject({ status: "pending", source: "dcr", registrationIp: "203.0.113.7", secretHash: null });
    expect(client.allowedScopes).toEqual(DEFAULT_REGISTRATION_POLICY.defaultScopes);
    expect(body.scope).toBe(client.allowedScopes.join(" "));
    const [event] = await listAuditEvents(db(), { kinds: ["client.registered"], limit: 1 });
    expect(event).toMatchObject({ clientId: body.client_id, ip: "203.0.113.7", actor: "anonymous" });
  });

  it("gives a confidential client a secret once and stores only its hash", async () => {
    const { status, body } = await register({ client_name: "Agent", grant_types: ["client_credentials"], response_types: [] });
    expect(status).toBe(201);
    expect(body.token_endpoint_auth_method).toBe("client_secret_basic");
    expect(body.client_secret).toMatch(/^pcs_[\w-]{43}$/);
    expect(body.client_secret_expires_at).toBe(0);
    const client = await db().client.findUniqueOrThrow({ where: { id: body.client_id } });
    expect(client.secretHash).not.toContain(body.client_secret);
    expect(credentialMatches(body.client_secret, client.secretHash)).toBe(true);
  });

  it("narrows the allow-list to the known scopes the client asked for", async () => {
    const { body } = await register({ ...publicClient, scope: "clients:read offline_access users:write" });
    expect(body.scope).toBe("clients:read");
    const client = await db().client.findUniqueOrThrow({ where: { id: body.client_id } });
    expect(client.requestedScopes).toEqual(["clients:read", "offline_access", "users:write"]);
  });

  it.each([
    [{ ...publicClient, redirect_uris: ["http://evil.example/cb"] }, "invalid_redirect_uri", /must use https/],
    [{ ...publicClient, redirect_uris: ["https://app.example/cb#x"] }, "invalid_redirect_uri", /must not contain a fragment/],
    [{ ...publicClient, redirect_uris: ["javascript:alert(1)"] }, "invalid_redirect_uri", /javascript scheme/],
    [{ ...publicClient, redirect_uris: [] }, "invalid_redirect_uri", /redirect_uris is required/],
    [{ ...publicClient, redirect_uris: "https://app.example/cb" }, "invalid_redirect_uri", /redirect_uris/],
    [{ ...publicClient, grant_types: ["implicit"] }, "invalid_client_metadata", /unsupported implicit/],
    [{ ...publicClient, grant_types: ["password"] }, "invalid_client_metadata", /unsupported password/],
    [{ ...publicClient, response_types: ["token"] }, "invalid_client_metadata", /only code/],
    [{ ...publicClient, response_types: [] }, "invalid_client_metadata", /registered together/],
    [{ ...publicClient, grant_types: ["refresh_token"], response_types: [] }, "invalid_client_metadata", /needs authorization_code/],
    [{ ...publicClient, grant_types: ["client_credentials"], response_types: [] }, "invalid_client_metadata", /confidential client/],
    [{ ...publicClient, token_endpoint_auth_method: "tls_client_auth" }, "invalid_client_metadata", /not supported/],
    [{ ...publicClient, token_endpoint_auth_method: "private_key_jwt" }, "invalid_client_metadata", /needs jwks or jwks_uri/],
    [{ ...publicClient, client_uri: "http://app.example" }, "invalid_client_metadata", /client_uri must be an https URL/],
    [{ ...publicClient, client_name: 42 }, "invalid_client_metadata", /client_name/],
  ])("refuses bad metadata %#", async (body, error, description) => {
    const response = await register(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(error);
    expect(response.body.error_description).toMatch(description);
  });

  it("refuses malformed, oversized and wrongly typed bodies", async () => {
    expect(await register("{not json")).toMatchObject({ status: 400, body: { error: "invalid_request", error_description: "The request body is not valid JSON." } });
    expect(await register("[1,2]")).toMatchObject({ status: 400, body: { error: "invalid_request", error_description: "The request body must be a JSON object." } });
    expect(await register(publicClient, freshIp(), { "Content-Type": "application/x-www-form-urlencoded" })).toMatchObject({
      status: 400,
      body: { error: "invalid_request", error_description: "The request body must be application/json." },
    });
    const huge = { ...publicClient, client_name: "x".repeat(40_000) };
    expect(await register(huge)).toMatchObject({ status: 413, body: { error: "invalid_request" } });
  });

  it("limits registrations per IP address", async () => {
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, registrationRateLimit: { max: 2, windowSeconds: 60 } }, CLI_CONTEXT);
    const ip = freshIp();
    expect((await register(publicClient, ip)).status).toBe(201);
    expect((await register(publicClient, ip)).status).toBe(201);
    const third = await register(publicClient, ip);
    expect(third.status).toBe(429);
    expect(third.body.error).toBe("temporarily_unavailable");
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await register(publicClient)).status).toBe(201);
    await updateRegistrationPolicy(DEFAULT_REGISTRATION_POLICY, CLI_CONTEXT);
  });

  it("refuses new registrations while the pending queue is full, but not auto-approved ones", async () => {
    const pending = await db().client.count({ where: { status: "pending" } });
    await updateRegistrationPolicy(
      { ...DEFAULT_REGISTRATION_POLICY, maxPendingClients: pending, autoApprove: [{ kind: "redirect_host", host: "internal.example" }] },
      CLI_CONTEXT,
    );
    const refused = await register(publicClient);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe("temporarily_unavailable");
    const trusted = await register({ ...publicClient, redirect_uris: ["https://internal.example/cb"] });
    expect(trusted.status).toBe(201);
    const client = await db().client.findUniqueOrThrow({ where: { id: trusted.body.client_id } });
    expect(client).toMatchObject({ status: "active", statusChangedBy: "system", statusReason: "auto-approved: redirect host internal.example" });
    const [approved] = await listAuditEvents(db(), { kinds: ["client.approved"], limit: 1 });
    expect(approved).toMatchObject({ clientId: client.id, actor: "system" });
    await updateRegistrationPolicy(DEFAULT_REGISTRATION_POLICY, CLI_CONTEXT);
  });

  it("caps pending clients per address bucket, so a few addresses cannot fill the queue for everyone", async () => {
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, maxPendingClientsPerAddress: 3 }, CLI_CONTEXT);
    const statuses = [];
    for (let i = 1; i <= 4; i++) statuses.push((await register(publicClient, `2001:db8:5:6::${i}`)).status);
    expect(statuses).toEqual([201, 201, 201, 503]);
    const refused = await register(publicClient, "2001:db8:5:6:ffff::1");
    expect(refused.body).toEqual({ error: "temporarily_unavailable", error_description: "3 client registrations from this address are already waiting for approval; try again after an administrator has reviewed them." });
    expect((await register(publicClient, "2001:db8:5:7::1")).status).toBe(201);
    await updateRegistrationPolicy(DEFAULT_REGISTRATION_POLICY, CLI_CONTEXT);
  });

  it("prunes the oldest stale pending client to make room when the policy enables it", async () => {
    const ip = "203.0.113.77";
    const first = await register(publicClient, ip);
    const second = await register(publicClient, ip);
    // The first is eight days old and never used; the second is new.
    await db().client.update({ where: { id: first.body.client_id }, data: { createdAt: new Date(Date.now() - 8 * 86_400_000) } });
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, maxPendingClientsPerAddress: 2 }, CLI_CONTEXT);
    expect((await register(publicClient, ip)).status).toBe(503);
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, maxPendingClientsPerAddress: 2, prunePendingWhenFull: { enabled: true, olderThanDays: 7 } }, CLI_CONTEXT);
    const third = await register(publicClient, ip);
    expect(third.status).toBe(201);
    expect(await db().client.findUnique({ where: { id: first.body.client_id } })).toBeNull();
    expect(await db().client.findUnique({ where: { id: second.body.client_id } })).not.toBeNull();
    const [deleted] = await listAuditEvents(db(), { kinds: ["client.deleted"], limit: 1 });
    expect(deleted).toMatchObject({ clientId: first.body.client_id, actor: "system" });
    expect(deleted.reason).toContain("pruned to make room for a new registration");
    // With only young pending clients left, the cap holds.
    expect((await register(publicClient, ip)).status).toBe(503);
    await updateRegistrationPolicy(DEFAULT_REGISTRATION_POLICY, CLI_CONTEXT);
  });
});
