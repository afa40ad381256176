import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { authorizationServerMetadata } from "@/lib/oauth/metadata/authorization-server-metadata";
import { prepareConsentScreen } from "@/lib/oauth/authorize/prepare-consent-screen";
import { protectedResourceMetadata } from "@/lib/mcp/protected-resource-metadata";
import { syncTools } from "@/lib/mcp/sync-tools";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { openTestDatabase } from "@/test/support/db";
import { CLI_CONTEXT } from "@/lib/audit";
import { createUser } from "@/lib/users/create-user";
import { authorize, authorizeUrl, pkcePair, REDIRECT_URI, standardAuthorizeParams, testClient, testUser, token, TEST_ISSUER, TEST_RESOURCE } from "@/test/support/oauth";

/**
 * What MCP 2026-07-28 asks of an authorization server that earlier revisions did not: `iss` on every authorization
 * response, errors included (RFC 9207 §2); a warning on the consent screen when a client can only be answered on
 * loopback ("Localhost Redirect URI Risks"); Client ID Metadata Documents as the registration path advertised first,
 * Dynamic Client Registration still served; and a protected resource that never advertises offline_access.
 */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: SignedInUser;
const { challenge } = pkcePair();
const CTX = { actor: "test", ip: "192.0.2.10", requestId: "as-2026" };

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  alice = await testUser(["reader"]);
});
afterAll(() => database.close());

function redirectedParams(response: Response): Record<string, string> {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  return Object.fromEntries(location.searchParams);
}

describe("RFC 9207 iss on authorization error responses", () => {
  it("carries iss on login_required and consent_required (prompt=none) as on every other error", async () => {
    const { clientId } = await testClient();
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge, { prompt: "none" }));
    expect(redirectedParams(await authorize(url, null))).toMatchObject({ error: "login_required", state: "st-123", iss: TEST_ISSUER });
    expect(redirectedParams(await authorize(url, alice))).toMatchObject({ error: "consent_required", state: "st-123", iss: TEST_ISSUER });
  });

  it("carries iss on an error for a client that is not allowed the scope asked for", async () => {
    const { clientId } = await testClient();
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope: "no:such-scope" }));
    expect(redirectedParams(await authorize(url, alice))).toMatchObject({ error: "invalid_scope", iss: TEST_ISSUER });
  });

  it("is advertised in the metadata", async () => {
    expect(await authorizationServerMetadata("oauth")).toMatchObject({ authorization_response_iss_parameter_supported: true });
  });
});

describe("consent screen: loopback-only clients", () => {
  const screenFor = async (clientId: string, redirectUri: string) => {
    const params = new URLSearchParams(standardAuthorizeParams(clientId, challenge, { redirect_uri: redirectUri, scope: "clients:read" }) as Record<string, string>);
    return prepareConsentScreen(params, alice, CTX);
  };

  it("warns when every redirect URI the client registered is a loopback one", async () => {
    const { clientId } = await testClient({ redirect_uris: [REDIRECT_URI, "http://localhost:33418/callback", "http://[::1]:33418/callback"] });
    const screen = await screenFor(clientId, REDIRECT_URI);
    expect(screen).toMatchObject({ loopbackRedirect: true, loopbackOnly: true, redirectHost: "127.0.0.1:33418" });
  });

  it("does not call a client loopback-only when it also has an https redirect URI, even when this answer goes to loopback", async () => {
    const { clientId } = await testClient({ redirect_uris: [REDIRECT_URI, "https://app.example.com/callback"] });
    expect(await screenFor(clientId, REDIRECT_URI)).toMatchObject({ loopbackRedirect: true, loopbackOnly: false });
    expect(await screenFor(clientId, "https://app.example.com/callback")).toMatchObject({ loopbackRedirect: false, loopbackOnly: false, redirectHost: "app.example.com" });
  });
});

describe("registration paths in the authorization server metadata", () => {
  it("advertises Client ID Metadata Documents, and still the registration endpoint for Dynamic Client Registration", async () => {
    for (const kind of ["oauth", "openid"] as const) {
      const metadata = await authorizationServerMetadata(kind);
      expect(metadata.client_id_metadata_document_supported).toBe(true);
      expect(metadata.registration_endpoint).toBe(`${TEST_ISSUER}/oauth/register`);
      // The primary path comes first, so a reader of the document meets it before the deprecated one.
      const keys = Object.keys(metadata);
      expect(keys.indexOf("client_id_metadata_document_supported")).toBeLessThan(keys.indexOf("registration_endpoint"));
    }
  });
});

describe("Dynamic Client Registration with application_type (MCP 2026-07-28 asks clients to send it)", () => {
  it("accepts native and web clients alike, under the same redirect URI rules", async () => {
    for (const applicationType of ["native", "web"]) {
      const { clientId } = await testClient({ application_type: applicationType }, { approve: false });
      expect(clientId).toMatch(/^pcl_/);
    }
  });
});

describe("protected resource metadata (MCP 2026-07-28, refresh tokens)", () => {
  it("never advertises offline_access, whatever the seeded policy holds", async () => {
    const snapshot = await policySnapshot();
    expect(protectedResourceMetadata(snapshot).scopes_supported).not.toContain("offline_access");
    expect(protectedResourceMetadata(snapshot).scopes_supported.length).toBeGreaterThan(0);
  });
});

describe("client_credentials with the scopes an MCP client selects (MCP 2026-07-28, scope selection strategy)", () => {
  it("narrows a request for every scope the resource names to what the service identity and the client may have, and says so", async () => {
    const service = await createUser({ email: "svc-selects@example.test", name: "Selects", kind: "service", roles: ["reader"] }, CLI_CONTEXT);
    const agent = await testClient(
      { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
      { scopes: ["account:read", "clients:read", "clients:write"], serviceUser: service.email },
    );
    const basic: [string, string] = [agent.clientId, agent.clientSecret!];
    const everything = protectedResourceMetadata(await policySnapshot()).scopes_supported.join(" ");
    const narrowed = await token({ grant_type: "client_credentials", resource: TEST_RESOURCE, scope: everything }, { basic });
    expect(narrowed).toMatchObject({ status: 200, body: { scope: "account:read clients:read" } });
    // Nothing grantable among what is asked: still refused.
    expect(await token({ grant_type: "client_credentials", scope: "clients:write audit:read" }, { basic })).toMatchObject({
      status: 400,
      body: { error: "invalid_scope", error_description: "Not allowed for this client's service identity: clients:write, audit:read." },
    });
  });
});
