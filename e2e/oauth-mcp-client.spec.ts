import { auth, discoverAuthorizationServerMetadata, OAuthError, refreshAuthorization, SdkHttpError } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { createUser, portcullis } from "./support/cli";
import { mcpClient } from "./support/mcp";
import { MemoryOAuthProvider, signInAtLoginPage } from "./support/oauth-client";
import { E2E_BASE_URL } from "./support/server";

const MCP_URL = `${E2E_BASE_URL}/mcp`;
// Nothing listens here: the browser's visit to the callback is intercepted, as a desktop MCP client's loopback listener would.
const REDIRECT_URL = "http://127.0.0.1:3319/callback";

// The whole discovery → approval → consent → step-up → refresh journey through /mcp is e2e/mcp-oauth-journey.spec.ts.
// This one is what a client sees of the authorization server itself: RFC 8414 metadata, standard JWT access tokens it
// (or anyone) can verify against the published keys, and signing out by revoking its refresh token (RFC 7009).
test("an MCP client signs out: its JWT access token verifies against the JWKS, and revoking its refresh token ends the grant at /mcp and at the token endpoint", async ({ page }) => {
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

  const metadata = await discoverAuthorizationServerMetadata(E2E_BASE_URL);
  expect(metadata?.issuer).toBe(E2E_BASE_URL);
  expect(metadata?.code_challenge_methods_supported).toEqual(["S256"]);
  expect(await auth(provider, { serverUrl: MCP_URL, scope: "clients:read" })).toBe("REDIRECT");
  const clientId = provider.client!.client_id;
  const approved = portcullis(["clients", "approve", clientId, "--reason", "e2e: known client"]);
  expect(approved.code, approved.stderr).toBe(0);

  let callback: URL | undefined;
  await page.route(`${REDIRECT_URL}**`, async (route) => {
    callback = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/plain", body: "You can close this window." });
  });
  await page.goto(provider.authorizationUrl!.href);
  await signInAtLoginPage(page, user.email, user.password);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("You can close this window.")).toBeVisible();
  // RFC 9207: the SDK compares iss with the issuer it discovered before it redeems the code.
  expect(callback!.searchParams.get("iss")).toBe(E2E_BASE_URL);
  expect(await auth(provider, { serverUrl: MCP_URL, authorizationCode: callback!.searchParams.get("code")!, iss: callback!.searchParams.get("iss")! })).toBe("AUTHORIZED");
  const tokens = provider.saved!;

  // RFC 9068-style access token: ES256, typ at+jwt, bound to the MCP resource (RFC 8707), verifiable by anyone.
  const jwks = createRemoteJWKSet(new URL(`${E2E_BASE_URL}/oauth/jwks`));
  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: E2E_BASE_URL, audience: MCP_URL, typ: "at+jwt" });
  expect(protectedHeader.alg).toBe("ES256");
  expect(payload).toMatchObject({ sub: user.id, client_id: clientId, scope: "clients:read" });
  const client = await mcpClient(tokens.access_token);
  expect((await client.callTool({ name: "list_clients", arguments: {} })).isError).toBeFalsy();

  // Signing out: the client revokes its refresh token (RFC 7009), which ends the whole grant — the access token it
  // still holds is refused at /mcp from the next call, and the refresh token no longer refreshes.
  const revocationEndpoint = (metadata as { revocation_endpoint?: string }).revocation_endpoint!;
  expect(revocationEndpoint).toBe(`${E2E_BASE_URL}/oauth/revoke`);
  const revoked = await fetch(revocationEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: tokens.refresh_token!, token_type_hint: "refresh_token", client_id: clientId }),
  });
  expect(revoked.status).toBe(200);
  const afterSignOut = await client.callTool({ name: "list_clients", arguments: {} }).catch((e: unknown) => e);
  expect(afterSignOut).toBeInstanceOf(SdkHttpError);
  expect((afterSignOut as SdkHttpError).status).toBe(401);
  await client.close();
  const refreshRefused = await refreshAuthorization(E2E_BASE_URL, {
    metadata,
    clientInformation: provider.client!,
    refreshToken: tokens.refresh_token!,
    resource: new URL(MCP_URL),
  }).catch((e: unknown) => e);
  expect(refreshRefused).toBeInstanceOf(OAuthError);
  expect((refreshRefused as OAuthError).code).toBe("invalid_grant");

  const revokedEvents = JSON.parse(portcullis(["audit", "tail", "--kind", "grant.revoked", "--json", "--limit", "50"]).stdout) as Array<{ clientId: string; actor: string; reason: string }>;
  expect(revokedEvents.find((e) => e.clientId === clientId)).toMatchObject({ actor: `client:${clientId}`, reason: expect.stringContaining("refresh token revoked by its client") });
  const verified = portcullis(["audit", "verify"]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
});
