import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { MemoryOAuthProvider, signInAtLoginPage } from "./support/oauth-client";
import { E2E_BASE_URL } from "./support/server";

const MCP_URL = `${E2E_BASE_URL}/mcp`;
// Nothing listens here: the browser's visit to the callback is intercepted, as a desktop MCP client's loopback listener would.
const REDIRECT_URL = "http://127.0.0.1:3321/callback";

// A 2025-era MCP client — the official SDK's v1 line (@modelcontextprotocol/sdk, pinned as a dev dependency), which
// speaks 2025-11-25 with the initialize handshake — against the running server: discovery from the 401, dynamic
// registration, approval, consent in a real browser, the code exchange, and tool calls decided under the current policy.
// The same /mcp serves MCP 2026-07-28 clients (the v2 SDK, every other journey).
test("a 2025-era MCP client (SDK v1) discovers, registers, is approved, authorizes and calls tools at the same /mcp", async ({ page }) => {
  const user = createUser(["reader"], "legacy-mcp-user");
  const provider = new MemoryOAuthProvider(REDIRECT_URL, {
    client_name: "E2E legacy MCP client",
    redirect_uris: [REDIRECT_URL],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  });
  // The v1 SDK's provider interface is the one the v2 SDK kept; the in-memory host state serves both.
  const v1Provider = provider as unknown as OAuthClientProvider;
  const connect = () => {
    const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: v1Provider });
    return { transport, client: new Client({ name: "e2e-legacy", version: "1.0.0" }) };
  };

  // No token: the 401's challenge leads the SDK to the resource and authorization server metadata, it registers
  // itself, and asks the host to open the authorization URL.
  const first = connect();
  const refused = await first.client.connect(first.transport).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(UnauthorizedError);
  const clientId = provider.client!.client_id;
  const authorizationUrl = provider.takeAuthorizationUrl();
  expect(authorizationUrl.searchParams.get("resource")).toBe(MCP_URL);
  expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
  const approved = portcullis(["clients", "approve", clientId, "--reason", "e2e: a 2025-era client"]);
  expect(approved.code, approved.stderr).toBe(0);

  let callback: URL | undefined;
  await page.route(`${REDIRECT_URL}**`, async (route) => {
    callback = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/plain", body: "You can close this window." });
  });
  await page.goto(authorizationUrl.href);
  await signInAtLoginPage(page, user.email, user.password);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("You can close this window.")).toBeVisible();
  expect(callback!.searchParams.get("iss")).toBe(E2E_BASE_URL);
  await first.transport.finishAuth(callback!.searchParams.get("code")!);
  expect(provider.saved?.access_token).toBeTruthy();

  // Authorized: the initialize handshake on 2025-11-25, then tools listed and called under the current policy.
  const second = connect();
  await second.client.connect(second.transport);
  expect(second.transport.protocolVersion).toBe("2025-11-25");
  const { tools } = await second.client.listTools();
  const names = tools.map((t) => t.name);
  expect(names).toContain("whoami");
  expect(names).not.toContain("approve_client");
  const whoami = await second.client.callTool({ name: "whoami", arguments: {} });
  expect(whoami.isError).toBeFalsy();
  expect(JSON.stringify(whoami.content)).toContain(user.email);
  await second.client.close();

  const decisions = JSON.parse(portcullis(["audit", "tail", "--kind", "decision.allow", "--json", "--limit", "50"]).stdout) as Array<{
    clientId: string;
    tool: string;
    detail: { protocolEra?: string; protocolVersion?: string };
  }>;
  expect(decisions.find((e) => e.clientId === clientId && e.tool === "whoami")?.detail).toMatchObject({ protocolVersion: "2025-11-25" });
});
