import { discoverOAuthServerInfo, extractWWWAuthenticateParams, registerClient, SdkHttpError } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { decodeJwt } from "jose";
import { createUser, portcullis } from "./support/cli";
import { callToolOverHttp, MCP_URL, mcpClient } from "./support/mcp";
import { signInAtLoginPage } from "./support/oauth-client";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL } from "./support/server";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

interface TokenAnswer {
  status: number;
  body: Record<string, any>;
}

/**
 * The agent's side of RFC 8628 §3.4–3.5, as a headless agent runs it: poll the token endpoint every `interval`
 * seconds (adding 5 on slow_down) until the person has answered, keeping every answer for the test to inspect.
 */
async function pollForTokens(tokenEndpoint: string, form: Record<string, string>, interval: number, answers: TokenAnswer[]): Promise<TokenAnswer> {
  for (;;) {
    const response = await fetch(tokenEndpoint, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
    const answer = { status: response.status, body: (await response.json()) as Record<string, any> };
    answers.push(answer);
    if (answer.body.error === "slow_down") interval += 5;
    else if (answer.body.error !== "authorization_pending") return answer;
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  }
}

test("a headless agent finds the authorization server from /mcp, gets a token through the device flow while a person approves in a browser, and works at /mcp", async ({ page }) => {
  test.setTimeout(120_000);
  const person = createUser(["access_reviewer"], "device-owner");
  const agentName = `audit-watch agent ${Date.now().toString(36)}`;

  // 1. The agent knows only the MCP URL: the 401 names the resource metadata, which names the authorization server,
  //    whose metadata offers the device flow.
  const challenge = await callToolOverHttp(null, "whoami");
  expect(challenge.status).toBe(401);
  const { resourceMetadataUrl } = extractWWWAuthenticateParams(challenge);
  const server = await discoverOAuthServerInfo(MCP_URL, { resourceMetadataUrl });
  expect(server.authorizationServerUrl).toBe(E2E_BASE_URL);
  const metadata = server.authorizationServerMetadata as NonNullable<typeof server.authorizationServerMetadata> & { device_authorization_endpoint?: string };
  expect(metadata.grant_types_supported).toContain(DEVICE_GRANT);
  const deviceEndpoint = metadata.device_authorization_endpoint!;
  expect(deviceEndpoint).toBe(`${E2E_BASE_URL}/oauth/device_authorization`);
  const resource = server.resourceMetadata!.resource;
  expect(resource).toBe(MCP_URL);

  // 2. It registers itself (RFC 7591): a public client with the device grant and no redirect URI.
  const registered = await registerClient(server.authorizationServerUrl, {
    metadata,
    clientMetadata: { client_name: agentName, redirect_uris: [], grant_types: [DEVICE_GRANT, "refresh_token"], token_endpoint_auth_method: "none" },
  });
  const clientId = registered.client_id;
  const deviceRequest = { client_id: clientId, scope: "account:read audit:read", resource };
  const startDevice = () =>
    fetch(deviceEndpoint, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(deviceRequest) });

  // 3. Not approved yet: no device code for it.
  const tooEarly = await startDevice();
  expect(tooEarly.status).toBe(400);
  expect(await tooEarly.json()).toMatchObject({ error: "unauthorized_client" });
  const approved = portcullis(["clients", "approve", clientId, "--reason", "e2e: audit agent", "--scope", "account:read", "--scope", "audit:read"]);
  expect(approved.code, approved.stderr).toBe(0);

  // 4. Device authorization: the agent prints the code and the link, and starts polling in the background.
  const started = await startDevice();
  expect(started.status).toBe(200);
  const device = (await started.json()) as { device_code: string; user_code: string; verification_uri_complete: string; interval: number };
  const answers: TokenAnswer[] = [];
  const polling = pollForTokens(metadata.token_endpoint, { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: clientId, resource }, device.interval, answers);

  // 5. The person opens the link on another device, signs in, checks the code matches, consents.
  await page.goto(device.verification_uri_complete);
  await signInAtLoginPage(page, person.email, person.password);
  await expect(page.getByRole("heading", { name: `Allow ${agentName} to use Portcullis?` })).toBeVisible();
  await expect(page.getByTestId("device-user-code")).toHaveText(device.user_code);
  await expect(page.getByRole("checkbox", { name: "account:read" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "audit:read" })).toBeChecked();
  await snap(page, "device-consent");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("Device connected.")).toBeVisible();
  await snap(page, "device-connected");

  // 6. The agent's next poll gets the tokens; every earlier one was told to keep waiting, none to slow down.
  const tokens = await polling;
  expect(tokens).toMatchObject({ status: 200, body: { token_type: "Bearer", scope: "account:read audit:read" } });
  expect(answers.length).toBeGreaterThanOrEqual(2);
  expect(new Set(answers.slice(0, -1).map((a) => `${a.status} ${a.body.error}`))).toEqual(new Set(["400 authorization_pending"]));
  const claims = decodeJwt(tokens.body.access_token);
  expect(claims).toMatchObject({ sub: person.id, client_id: clientId, aud: MCP_URL, scope: "account:read audit:read" });

  // 7. At /mcp with the official SDK client: what the token and the person's roles allow, no more.
  const client = await mcpClient(tokens.body.access_token);
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["query_audit", "whoami"]);
  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  expect(whoami.structuredContent).toMatchObject({ user: { email: person.email }, client: { id: clientId, name: agentName }, grant_id: claims.grant_id });
  const own = await client.callTool({ name: "query_audit", arguments: { client_id: clientId, kind: ["token.issued", "client.approved"] } });
  const events = (own.structuredContent as { events: Array<{ kind: string; subject: string | null }> }).events;
  expect(events.map((e) => e.kind)).toEqual(["token.issued", "client.approved"]);
  expect(events[0].subject).toBe(person.id);
  // The person's role would allow clients:read, but the admin did not allow it for this agent: re-authorizing cannot help.
  const refused = await client.callTool({ name: "list_clients", arguments: {} }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SdkHttpError);
  expect((refused as SdkHttpError).status).toBe(403);
  expect((refused as Error).message).toContain(`client ${agentName} is not allowed clients:read`);
  await client.close();

  const issued = JSON.parse(portcullis(["audit", "tail", "--kind", "token.issued", "--json", "--limit", "200"]).stdout) as Array<{ clientId: string; detail: Record<string, unknown> }>;
  expect(issued.filter((e) => e.clientId === clientId)).toEqual([expect.objectContaining({ detail: expect.objectContaining({ grantId: claims.grant_id }) })]);
});
