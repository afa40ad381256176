import { auth, discoverAuthorizationServerMetadata, refreshAuthorization } from "@modelcontextprotocol/sdk/client/auth.js";
import { InvalidGrantError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { expect, test } from "@playwright/test";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { createUser, portcullis } from "./support/cli";
import { MemoryOAuthProvider, signInAtLoginPage } from "./support/oauth-client";
import { E2E_BASE_URL } from "./support/server";

const MCP_URL = `${E2E_BASE_URL}/mcp`;
// Nothing listens here: the browser's visit to the callback is intercepted, as a desktop MCP client's loopback listener would.
const REDIRECT_URL = "http://127.0.0.1:3319/callback";

test("an MCP client discovers, registers, waits for approval, is authorized with PKCE through consent, refreshes and revokes", async ({ page }) => {
  const user = createUser(["reader"], "mcp-user");
  const provider = new MemoryOAuthProvider(
    REDIRECT_URL,
    {
      client_name: "E2E MCP Client",
      redirect_uris: [REDIRECT_URL],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    },
    MCP_URL,
  );

  // Discovery and dynamic registration, by the official SDK.
  const metadata = await discoverAuthorizationServerMetadata(E2E_BASE_URL);
  expect(metadata?.issuer).toBe(E2E_BASE_URL);
  expect(metadata?.code_challenge_methods_supported).toEqual(["S256"]);
  expect(await auth(provider, { serverUrl: MCP_URL, scope: "clients:read policy:read" })).toBe("REDIRECT");
  const clientId = provider.client!.client_id;
  expect(clientId).toMatch(/^pcl_/);
  const authorizationUrl = provider.authorizationUrl!;
  expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorizationUrl.searchParams.get("resource")).toBe(MCP_URL);

  // Pending: the authorization endpoint says so plainly, and issues no code.
  await page.goto(authorizationUrl.href);
  await expect(page.getByRole("heading", { name: "This app is waiting for approval" })).toBeVisible();
  await expect(page.getByTestId("oauth-error")).toHaveText("unauthorized_client");

  // An admin approves it from the CLI.
  const pending = JSON.parse(portcullis(["clients", "list", "--status", "pending", "--json"]).stdout) as Array<{ id: string }>;
  expect(pending.map((c) => c.id)).toContain(clientId);
  const approved = portcullis(["clients", "approve", clientId, "--reason", "e2e: known client"]);
  expect(approved.code, approved.stderr).toBe(0);

  // Consent: the redirect host in plain sight, one toggle per scope; the user grants only clients:read.
  let callback: URL | undefined;
  await page.route(`${REDIRECT_URL}**`, async (route) => {
    callback = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/plain", body: "You can close this window." });
  });
  // Approved, but the browser is not signed in: sign in, and land back on this authorization request's consent.
  await page.goto(authorizationUrl.href);
  await signInAtLoginPage(page, user.email, user.password);
  await expect(page.getByRole("heading", { name: "Allow E2E MCP Client to use Portcullis?" })).toBeVisible();
  await expect(page.getByTestId("consent-redirect-host")).toHaveText("127.0.0.1:3319");
  await expect(page.getByText("The answer goes to a program on this computer")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "clients:read" })).toBeChecked();
  await page.getByRole("checkbox", { name: "policy:read" }).uncheck();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("You can close this window.")).toBeVisible();

  expect(callback!.searchParams.get("state")).toBe(provider.lastState);
  expect(callback!.searchParams.get("iss")).toBe(E2E_BASE_URL);
  const code = callback!.searchParams.get("code")!;
  expect(code).toMatch(/^pcc_/);

  // Token exchange by the SDK, with the PKCE verifier it kept.
  expect(await auth(provider, { serverUrl: MCP_URL, authorizationCode: code })).toBe("AUTHORIZED");
  const first = provider.saved!;
  expect(first.scope).toBe("clients:read");
  const jwks = createRemoteJWKSet(new URL(`${E2E_BASE_URL}/oauth/jwks`));
  const { payload, protectedHeader } = await jwtVerify(first.access_token, jwks, { issuer: E2E_BASE_URL, audience: MCP_URL, typ: "at+jwt" });
  expect(protectedHeader.alg).toBe("ES256");
  expect(payload).toMatchObject({ sub: user.id, client_id: clientId, scope: "clients:read" });

  // Refresh: the SDK uses the refresh token it holds; the server rotates it.
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe("AUTHORIZED");
  const second = provider.saved!;
  expect(second.refresh_token).toBeTruthy();
  expect(second.refresh_token).not.toBe(first.refresh_token);
  expect(second.access_token).not.toBe(first.access_token);

  // Revoke the refresh token (RFC 7009): the grant ends, and refreshing fails.
  const revocationEndpoint = (metadata as { revocation_endpoint?: string }).revocation_endpoint!;
  expect(revocationEndpoint).toBe(`${E2E_BASE_URL}/oauth/revoke`);
  const revoked = await fetch(revocationEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: second.refresh_token!, token_type_hint: "refresh_token", client_id: clientId }),
  });
  expect(revoked.status).toBe(200);
  await expect(
    refreshAuthorization(E2E_BASE_URL, { metadata, clientInformation: provider.client!, refreshToken: second.refresh_token!, resource: new URL(MCP_URL) }),
  ).rejects.toBeInstanceOf(InvalidGrantError);

  // Everything left its trace in the audit log.
  const audit = (kind: string) => JSON.parse(portcullis(["audit", "tail", "--kind", kind, "--json", "--limit", "50"]).stdout) as Array<{ clientId: string }>;
  for (const kind of ["client.registered", "client.approved", "authorization.granted", "token.issued", "token.refreshed", "grant.revoked"]) {
    expect(audit(kind).map((e) => e.clientId), kind).toContain(clientId);
  }
  const verified = portcullis(["audit", "verify"]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
});
