import { auth, extractWWWAuthenticateParams, SdkHttpError, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { expect, test, type Page } from "@playwright/test";
import { decodeJwt } from "jose";
import { createUser, portcullis } from "./support/cli";
import { signIn } from "./support/console";
import { callToolOverHttp, MCP_URL, modernClient } from "./support/mcp";
import { interceptRedirects, MemoryOAuthProvider, signInAtLoginPage } from "./support/oauth-client";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL, E2E_PORT } from "./support/server";
import { saveAfterPreview } from "./support/impact";

// The MCP client's loopback listener; nothing listens there: the browser's visit is intercepted.
const REDIRECT_URL = `http://127.0.0.1:${E2E_PORT + 9}/callback`;
const METADATA_URL = `${E2E_BASE_URL}/.well-known/oauth-protected-resource/mcp`;

interface AuditLine {
  kind: string;
  tool: string | null;
  decision: string | null;
  reason: string | null;
  scopes: string[];
  detail: Record<string, unknown>;
}

/**
 * An MCP host as a real one is built on the official SDK (v2, @modelcontextprotocol/client, on MCP 2026-07-28):
 * `Client` + `StreamableHTTPClientTransport` with an `OAuthClientProvider` (state in memory). The host knows only the
 * MCP URL.
 *
 * Step-up is the SDK's own: on `403 insufficient_scope` the transport unions the challenged scope with what its token
 * holds (MCP 2026-07-28, step-up authorization flow) and, the union being wider than the token, re-authorizes instead
 * of refreshing (a refresh cannot widen a grant, RFC 6749 §6). The host only records the challenges it sees.
 */
function mcpHost(provider: MemoryOAuthProvider, challenges: Response[]) {
  const fetchForStepUp: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 403 && extractWWWAuthenticateParams(response).error === "insufficient_scope") challenges.push(response.clone());
    return response;
  };
  return {
    transport: () => new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider, fetch: fetchForStepUp }),
    client: () => modernClient("journey-host"),
  };
}

/** The person at the browser: opens the URL the SDK asked for, signs in if asked, consents; returns the code. */
async function authorizeInBrowser(
  page: Page,
  nextRedirect: () => Promise<URL>,
  url: URL,
  options: { signIn?: { email: string; password: string }; grant: string[]; withhold?: string[]; shot: string },
): Promise<URL> {
  const arrived = nextRedirect();
  await page.goto(url.href);
  if (options.signIn) await signInAtLoginPage(page, options.signIn.email, options.signIn.password);
  await expect(page.getByRole("heading", { name: /^Allow .* to use Portcullis\?$/ })).toBeVisible();
  // Where the code goes, in plain sight: a program on this computer (MCP 2025-11-25, localhost redirect URI risks).
  await expect(page.getByTestId("consent-redirect-host")).toHaveText(new URL(REDIRECT_URL).host);
  await expect(page.getByText("The answer goes to a program on this computer")).toBeVisible();
  // Every redirect URI this client registered is a loopback one: its name is all that says which app it is (MCP
  // 2026-07-28, "Localhost Redirect URI Risks").
  await expect(page.getByTestId("consent-loopback-only")).toContainText("every address it registered is a local one");
  for (const scope of options.grant) await expect(page.getByRole("checkbox", { name: scope })).toBeChecked();
  for (const scope of options.withhold ?? []) await page.getByRole("checkbox", { name: scope }).uncheck();
  await snap(page, options.shot);
  await page.getByRole("button", { name: "Allow" }).click();
  const callback = await arrived;
  await expect(page.getByText("Authorization finished.")).toBeVisible();
  return callback;
}

test("an MCP client that knows only /mcp discovers, registers, waits for approval, is authorized, steps up, refreshes, and loses access when policy changes", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const run = Date.now().toString(36);
  const admin = createUser(["iam_admin"], "journey-admin");
  const dev = createUser(["developer", "reader"], "journey-dev");
  const clientName = `Journey Desktop Client ${run}`;
  const provider = new MemoryOAuthProvider(REDIRECT_URL, {
    client_name: clientName,
    redirect_uris: [REDIRECT_URL],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  });
  const challenges: Response[] = [];
  const host = mcpHost(provider, challenges);
  const nextRedirect = await interceptRedirects(page, REDIRECT_URL);

  // 1. The first request carries no token: 401 → Protected Resource Metadata → AS metadata → registration → the SDK
  //    asks the host to open the authorization URL, and connect() fails with UnauthorizedError until that is done.
  const firstTransport = host.transport();
  await expect(host.client().connect(firstTransport)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.discovery).toMatchObject({
    authorizationServerUrl: E2E_BASE_URL,
    resourceMetadata: { resource: MCP_URL, authorization_servers: [E2E_BASE_URL] },
    authorizationServerMetadata: { issuer: E2E_BASE_URL, registration_endpoint: `${E2E_BASE_URL}/oauth/register` },
  });
  const clientId = provider.client!.client_id;
  expect(clientId).toMatch(/^pcl_/);
  const firstUrl = provider.takeAuthorizationUrl();
  expect(`${firstUrl.origin}${firstUrl.pathname}`).toBe(`${E2E_BASE_URL}/oauth/authorize`);
  expect(Object.fromEntries(firstUrl.searchParams)).toMatchObject({
    client_id: clientId,
    response_type: "code",
    code_challenge_method: "S256",
    redirect_uri: REDIRECT_URL,
    resource: MCP_URL,
    state: provider.lastState,
  });
  // Without a scope of its own, the client asks for what the 401 challenge named: every scope the tools need.
  expect(firstUrl.searchParams.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["account:read", "clients:read", "policy:read", "audit:read"]));

  // 2. A new client waits for an admin: the person sees why, and no code reaches the client.
  await page.goto(firstUrl.href);
  await expect(page.getByRole("heading", { name: "This app is waiting for approval" })).toBeVisible();
  await expect(page.getByTestId("oauth-error")).toHaveText("unauthorized_client");
  // It tells them how to reach an administrator, and gives the administrator a link straight to the review.
  await expect(page.getByText(/send them the app's name and the client ID below/)).toBeVisible();
  await expect(page.getByTestId("oauth-help-link")).toHaveAttribute("href", new RegExp(`/clients/${clientId}$`));
  await snap(page, "pending-approval");
  const pending = portcullis(["clients", "list", "--status", "pending", "--json"]);
  expect((JSON.parse(pending.stdout) as Array<{ id: string }>).map((c) => c.id)).toContain(clientId);
  const approved = portcullis(["clients", "approve", clientId, "--reason", "journey: known desktop client", "--scope", "account:read", "--scope", "clients:read", "--scope", "policy:read"]);
  expect(approved.code, approved.stderr).toBe(0);

  // 3. Approved: the same authorization URL now leads through sign-in to consent. The person withholds policy:read.
  const firstCallback = await authorizeInBrowser(page, nextRedirect, firstUrl, {
    signIn: dev,
    grant: ["account:read", "clients:read", "policy:read"],
    withhold: ["policy:read"],
    shot: "consent-first",
  });
  expect(firstCallback.searchParams.get("state")).toBe(provider.lastState);
  expect(firstCallback.searchParams.get("iss")).toBe(E2E_BASE_URL);
  // The SDK checks iss against the issuer it discovered (RFC 9207) before it redeems the code.
  await firstTransport.finishAuth(firstCallback.searchParams);
  const firstTokens = provider.tokens()!;
  expect(firstTokens.scope).toBe("account:read clients:read");
  expect(firstTokens.refresh_token).toBeTruthy();
  const firstGrant = decodeJwt(firstTokens.access_token).grant_id as string;

  // 4. Connected (server/discover, then per-request _meta), and tools/list shows only what this token may call under
  //    the current policy.
  const client = host.client();
  const transport = host.transport();
  await client.connect(transport);
  expect(client.getProtocolEra()).toBe("modern");
  expect(client.getServerVersion()?.name).toBe("portcullis");
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_client", "list_clients", "whoami"]);
  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  expect(whoami.structuredContent).toMatchObject({
    user: { email: dev.email },
    client: { id: clientId, name: clientName },
    grant_id: firstGrant,
    token: { scopes: ["account:read", "clients:read"] },
  });
  const listed = await client.callTool({ name: "list_clients", arguments: { search: clientName } });
  expect((listed.structuredContent as { clients: Array<{ client_id: string }> }).clients.map((c) => c.client_id)).toEqual([clientId]);

  // 5. A tool beyond the token's scope: 403 insufficient_scope naming just what the call needs (2026-07-28: the client
  //    unions it with what it asked for before); the SDK re-authorizes for it (step-up).
  await expect(client.callTool({ name: "list_roles", arguments: {} })).rejects.toBeInstanceOf(UnauthorizedError);
  expect(challenges).toHaveLength(1);
  expect(challenges[0].headers.get("www-authenticate")).toBe(
    `Bearer error="insufficient_scope", scope="policy:read", resource_metadata="${METADATA_URL}", error_description="The list_roles tool requires the policy:read scope"`,
  );
  expect(provider.invalidated).toEqual([]);
  const stepUpUrl = provider.takeAuthorizationUrl();
  expect(stepUpUrl.searchParams.get("client_id")).toBe(clientId);
  expect(stepUpUrl.searchParams.get("scope")!.split(" ").sort()).toEqual(["account:read", "clients:read", "policy:read"]);
  // Signed in already; policy:read was never consented to, so the consent screen asks again.
  const stepUpCallback = await authorizeInBrowser(page, nextRedirect, stepUpUrl, { grant: ["account:read", "clients:read", "policy:read"], shot: "consent-step-up" });
  await transport.finishAuth(stepUpCallback.searchParams);
  expect(provider.tokens()!.scope).toBe("account:read clients:read policy:read");
  const roles = await client.callTool({ name: "list_roles", arguments: {} });
  expect(roles.isError).toBeFalsy();
  expect((roles.structuredContent as { roles: Array<{ name: string }> }).roles.map((r) => r.name)).toEqual(expect.arrayContaining(["developer", "reader"]));
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_client", "list_clients", "list_roles", "whoami"]);
  const steppedGrant = decodeJwt(provider.tokens()!.access_token).grant_id as string;
  expect(steppedGrant).not.toBe(firstGrant);

  // 6. Refresh, as a host does before the access token runs out: the SDK uses its refresh token; both tokens rotate.
  const beforeRefresh = provider.tokens()!;
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe("AUTHORIZED");
  const refreshed = provider.tokens()!;
  expect(refreshed.refresh_token).toBeTruthy();
  expect(refreshed.refresh_token).not.toBe(beforeRefresh.refresh_token);
  expect(refreshed.access_token).not.toBe(beforeRefresh.access_token);
  expect(refreshed.scope).toBe("account:read clients:read policy:read");
  const refreshedClaims = decodeJwt(refreshed.access_token);
  expect(refreshedClaims.grant_id).toBe(steppedGrant);
  const afterRefresh = await client.callTool({ name: "whoami", arguments: {} });
  expect(afterRefresh.structuredContent).toMatchObject({ grant_id: steppedGrant });

  // 7. An admin removes the reader role in the console: the very next call that needed it is denied — a plain 403
  //    (re-authorizing cannot help), which the SDK surfaces as an error without starting an authorization.
  const adminContext = await browser.newContext({ baseURL: E2E_BASE_URL });
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, admin.email, admin.password);
  await adminPage.goto(`/users/${dev.id}`);
  await adminPage.getByRole("button", { name: "Remove role reader" }).click();
  await saveAfterPreview(adminPage.getByRole("form", { name: "Remove role reader" }));
  await expect(adminPage.getByRole("button", { name: "Remove role reader" })).toHaveCount(0);
  await snap(adminPage, "role-removed");
  const afterRoleRemoval = await client.callTool({ name: "list_clients", arguments: {} }).catch((e: unknown) => e);
  expect(afterRoleRemoval).toBeInstanceOf(SdkHttpError);
  expect((afterRoleRemoval as SdkHttpError).status).toBe(403);
  expect((afterRoleRemoval as Error).message).toContain(`denied: user ${dev.email} has no role granting clients:read`);
  expect(provider.takeAuthorizationUrl.bind(provider)).toThrow("the SDK did not ask for an authorization");
  // What the developer role still allows keeps working, with the same token.
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["whoami"]);
  expect((await client.callTool({ name: "whoami", arguments: {} })).isError).toBeFalsy();

  // 8. The grant is revoked: the next call is 401. The SDK tries its refresh token (refused: the grant is gone),
  //    forgets the tokens, and asks the host to send the person through authorization again.
  const revoked = portcullis(["grants", "revoke", steppedGrant, "--reason", "journey: laptop lost", "--json"]);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(JSON.parse(revoked.stdout)).toMatchObject({ grantId: steppedGrant, revoked: true });
  // The CLI is another process: the server learns of the revocation from its change watcher, within about a second
  // (in-process revocations — console, MCP tools — apply to the very next call).
  let refused: Response | undefined;
  await expect
    .poll(async () => (refused = await callToolOverHttp(refreshed.access_token, "whoami")).status, { timeout: 5_000, intervals: [100, 250, 500] })
    .toBe(401);
  expect(refused!.headers.get("www-authenticate")).toBe(
    `Bearer error="invalid_token", scope="${extractWWWAuthenticateParams(refused!).scope}", resource_metadata="${METADATA_URL}", error_description="token ${refreshedClaims.jti} was revoked"`,
  );
  await expect(client.callTool({ name: "whoami", arguments: {} })).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.invalidated).toContain("tokens");
  expect(provider.tokens()).toBeUndefined();
  expect(provider.takeAuthorizationUrl().searchParams.get("client_id")).toBe(clientId);
  await client.close();
  await adminContext.close();

  // 9. The audit log tells the story, and its hash chain is intact.
  const exported = portcullis(["audit", "export", "--format", "jsonl", "--client", clientId]);
  expect(exported.code, exported.stderr).toBe(0);
  const events = exported.stdout.trim().split("\n").map((line) => JSON.parse(line) as AuditLine);
  const count = (kind: string) => events.filter((e) => e.kind === kind).length;
  expect(count("client.registered")).toBe(1);
  expect(count("client.approved")).toBe(1);
  expect(count("token.issued")).toBe(2);
  expect(count("token.refreshed")).toBe(1);
  expect(count("grant.revoked")).toBe(1);
  const decisions = events.filter((e) => e.kind.startsWith("decision."));
  expect(decisions).toContainEqual(expect.objectContaining({ kind: "decision.allow", tool: "whoami", reason: expect.stringContaining("→ tool whoami") }));
  expect(decisions).toContainEqual(
    expect.objectContaining({
      kind: "decision.deny",
      tool: "list_roles",
      reason: `user ${dev.email} → role reader → scope policy:read → denied: token scope lacks policy:read (granted: account:read clients:read)`,
      detail: expect.objectContaining({ check: "token_scope", status: 403 }),
    }),
  );
  expect(decisions).toContainEqual(expect.objectContaining({ kind: "decision.allow", tool: "list_roles", scopes: ["account:read", "clients:read", "policy:read"] }));
  expect(decisions).toContainEqual(
    expect.objectContaining({
      kind: "decision.deny",
      tool: "list_clients",
      reason: `denied: user ${dev.email} has no role granting clients:read`,
      detail: expect.objectContaining({ check: "user_scope", status: 403 }),
    }),
  );
  expect(decisions).toContainEqual(
    expect.objectContaining({
      kind: "decision.deny",
      // Revoking the grant revoked its tokens, so the first check to fail names the token.
      reason: `denied: token ${refreshedClaims.jti} was revoked`,
      detail: expect.objectContaining({ stage: "authenticate", check: "token_not_revoked", status: 401, grantId: steppedGrant }),
    }),
  );
  // The decision after the refresh was made on the rotated token.
  expect(decisions.some((e) => e.kind === "decision.allow" && e.detail.jti === refreshedClaims.jti)).toBe(true);
  const verified = portcullis(["audit", "verify"]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
});
