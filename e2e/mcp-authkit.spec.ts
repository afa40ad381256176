import { discoverOAuthServerInfo, extractWWWAuthenticateParams, SdkHttpError } from "@modelcontextprotocol/client";
import { expect, test, type Page } from "@playwright/test";
import { decodeJwt } from "jose";
import { startWorkosStandin, type WorkosStandin } from "../test/support/workos-standin";
import { startExtraServer, type ExtraServer } from "./support/extra-server";
import { callToolOverHttp, mcpClient } from "./support/mcp";
import { snap } from "./support/screenshot";
import { E2E_PORT } from "./support/server";

// AuthKit mode: AuthKit (here the WorkOS stand-in) runs OAuth and issues the tokens; Portcullis, a second server in
// `authkit` mode, still decides at /mcp which clients may connect, what each caller may do, and what is revoked — and
// audits it. The MCP client is the official SDK, carrying AuthKit-shaped RS256 tokens minted by the stand-in.
let standin: WorkosStandin;
let server: ExtraServer;
let mcpUrl: string;

test.beforeAll(async () => {
  standin = await startWorkosStandin({ port: E2E_PORT + 4 });
  server = await startExtraServer(E2E_PORT + 3, {
    PORTCULLIS_ISSUER_MODE: "authkit",
    WORKOS_AUTHKIT_DOMAIN: standin.origin,
    WORKOS_API_URL: standin.origin,
    WORKOS_API_KEY: standin.apiKey,
    WORKOS_API_TIMEOUT_MS: "2000",
  });
  mcpUrl = `${server.baseUrl}/mcp`;
  // The accounts here are at example.test: trust its verified emails for automatic linking (never to an admin's).
  server.cli(["authkit", "link-domains", "--domain", "example.test"]);
});

test.afterAll(async () => {
  await server?.stop();
  await standin?.close();
});

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter += 1)}`.toUpperCase();

interface AuditLine {
  kind: string;
  tool: string | null;
  reason: string | null;
  subject: string | null;
  detail: Record<string, unknown>;
}

function cli(args: string[]) {
  const result = server.cli(args);
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

function clientEvents(clientId: string): AuditLine[] {
  return cli(["audit", "export", "--format", "jsonl", "--client", clientId])
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditLine);
}

/** An AuthKit access token as AuthKit issues it for this MCP server (RFC 8707 audience), signed by the stand-in. */
function authkitToken(claims: { sub: string; client_id: string; scope: string; role?: string }): Promise<string> {
  return standin.mintAccessToken({ aud: mcpUrl, ...claims });
}

/** A WorkOS user whose verified email (at a listed domain) is a Portcullis user's: linked to that user on first sight. */
function linkedUser(roles: string[], prefix: string) {
  const local = server.createUser(roles, prefix);
  const workos = standin.addUser({ email: local.email, emailVerified: true });
  return { local, workos };
}

/** The WorkOS page of this server's console, as an admin sees it. */
async function workosPage(page: Page): Promise<void> {
  const admin = server.createUser(["iam_admin"], "authkit-admin");
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(admin.email);
  await page.goto(`${server.baseUrl}/workos`);
}

/** Changes made with the CLI reach the server from its change watcher, within about a second. */
const eventually = { timeout: 5_000, intervals: [100, 250, 500] };

async function connectError(token: string): Promise<SdkHttpError> {
  const error = await mcpClient(token, mcpUrl).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SdkHttpError);
  return error as SdkHttpError;
}

/** A client AuthKit registered, seen by Portcullis once and approved by an admin for these scopes. */
async function approvedClient(token: string, clientId: string, scopes: string[]): Promise<void> {
  expect((await connectError(token)).status).toBe(403);
  cli(["clients", "approve", clientId, "--reason", "e2e: known AuthKit client", ...scopes.flatMap((s) => ["--scope", s])]);
  const awaitingApproval = async () => {
    const response = await callToolOverHttp(token, "whoami", {}, {}, mcpUrl);
    return response.status === 403 && JSON.stringify(await response.json()).includes("awaiting approval");
  };
  await expect.poll(awaitingApproval, eventually).toBe(false);
}

test("Protected Resource Metadata names AuthKit, and the SDK finds AuthKit's authorization server from /mcp alone", async () => {
  const refused = await callToolOverHttp(null, "whoami", {}, {}, mcpUrl);
  expect(refused.status).toBe(401);
  const metadataUrl = `${server.baseUrl}/.well-known/oauth-protected-resource/mcp`;
  expect(extractWWWAuthenticateParams(refused).resourceMetadataUrl?.href).toBe(metadataUrl);
  const metadata = await (await fetch(metadataUrl)).json();
  expect(metadata).toMatchObject({ resource: mcpUrl, authorization_servers: [standin.origin], bearer_methods_supported: ["header"] });

  const discovered = await discoverOAuthServerInfo(mcpUrl);
  expect(discovered.authorizationServerUrl).toBe(standin.origin);
  expect(discovered.authorizationServerMetadata?.issuer).toBe(standin.origin);
  expect(discovered.authorizationServerMetadata?.registration_endpoint).toBe(`${standin.origin}/oauth2/register`);
});

test("a client first seen in an AuthKit token waits for approval: refused with 403 until an admin approves it", async () => {
  const { local, workos } = linkedUser(["reader"], "authkit-alice");
  const clientId = `client_01${unique()}`;
  const token = await authkitToken({ sub: workos.id, client_id: clientId, scope: "account:read clients:read" });

  // Refused, and a new token would not help: 403 without a challenge, saying why.
  expect((await connectError(token)).status).toBe(403);
  const raw = await callToolOverHttp(token, "whoami", {}, {}, mcpUrl);
  expect(raw.status).toBe(403);
  expect(raw.headers.get("www-authenticate")).toBeNull();
  expect(JSON.stringify(await raw.json())).toContain(`Forbidden: client ${clientId} is awaiting approval by an IAM admin.`);

  // It waits in the same review queue as every other client.
  const pending = JSON.parse(cli(["clients", "list", "--status", "pending", "--json"])) as Array<{ id: string; source: string; status: string }>;
  expect(pending).toContainEqual(expect.objectContaining({ id: clientId, source: "authkit", status: "pending" }));

  cli(["clients", "approve", clientId, "--reason", "e2e: known AuthKit client", "--scope", "account:read", "--scope", "clients:read"]);
  await expect.poll(async () => (await callToolOverHttp(token, "whoami", {}, {}, mcpUrl)).status, eventually).toBe(200);

  const client = await mcpClient(token, mcpUrl);
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_client", "list_clients", "whoami"]);
  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  expect(whoami.structuredContent).toMatchObject({ user: { id: local.id, email: local.email }, client: { id: clientId }, grant_id: null });
  await client.close();

  const events = clientEvents(clientId);
  expect(events).toContainEqual(expect.objectContaining({ kind: "client.registered", detail: expect.objectContaining({ source: "authkit", workosUserId: workos.id }) }));
  expect(events).toContainEqual(
    expect.objectContaining({
      kind: "decision.deny",
      subject: local.id,
      reason: `denied: client ${clientId} is awaiting approval by an IAM admin`,
      detail: expect.objectContaining({ issuer: "authkit", workosUserId: workos.id, check: "client_active", status: 403 }),
    }),
  );
  expect(events).toContainEqual(
    expect.objectContaining({
      kind: "decision.allow",
      tool: "whoami",
      reason: `user ${local.email} → role reader → scope account:read → tool whoami`,
      detail: expect.objectContaining({ issuer: "authkit", jti: decodeJwt(token).jti, workosUserId: workos.id }),
    }),
  );
});

test("a WorkOS role mapped to a local role changes what a call may do", async ({ page }) => {
  // A WorkOS user Portcullis has never seen: placed as a new local user with no roles of their own.
  const workos = standin.addUser({ email: `authkit-bob-${unique().toLowerCase()}@example.test`, emailVerified: true });
  const workosRole = `support-${unique().toLowerCase()}`;
  const clientId = `client_01${unique()}`;
  const token = await authkitToken({ sub: workos.id, client_id: clientId, scope: "account:read clients:read", role: workosRole });
  await approvedClient(token, clientId, ["account:read", "clients:read"]);

  const denied = await callToolOverHttp(token, "list_clients", {}, {}, mcpUrl);
  expect(denied.status).toBe(403);
  expect(denied.headers.get("www-authenticate")).toBeNull();
  expect(await denied.json()).toMatchObject({ error: { message: `Forbidden: denied: user ${workos.email} has no role granting clients:read` } });

  cli(["authkit", "mappings", "add", "--role", workosRole, "--to", "reader"]);
  await workosPage(page);
  await expect(page.getByTestId(`mapping-role-${workosRole}-reader`)).toBeVisible();
  await snap(page, "workos-role-mapping");
  await expect.poll(async () => (await callToolOverHttp(token, "list_clients", {}, {}, mcpUrl)).status, eventually).toBe(200);

  const client = await mcpClient(token, mcpUrl);
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_client", "list_clients", "whoami"]);
  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  // The mapped role is theirs for MCP calls (and only there): whoami reports what they may call through it.
  expect(whoami.structuredContent).toMatchObject({
    user: { email: workos.email },
    roles: [],
    callable_tools: ["get_client", "list_clients", "whoami"],
    effective_scopes: expect.arrayContaining([{ scope: "clients:read", reason: `user ${workos.email} → mapped workos role ${workosRole} → role reader → scope clients:read` }]),
  });
  await client.close();

  const decisions = clientEvents(clientId).filter((e) => e.kind.startsWith("decision.") && e.tool === "list_clients");
  expect(decisions).toContainEqual(
    expect.objectContaining({ kind: "decision.deny", detail: expect.objectContaining({ issuer: "authkit", check: "user_scope" }) }),
  );
  expect(decisions).toContainEqual(
    expect.objectContaining({
      kind: "decision.allow",
      reason: `user ${workos.email} → mapped workos role ${workosRole} → role reader → scope clients:read → tool list_clients`,
      detail: expect.objectContaining({ issuer: "authkit", workosUserId: workos.id }),
    }),
  );
});

test("an AuthKit token put on the deny-list is refused with 401 from the next call; the user's other tokens still work", async ({ page }) => {
  const { local, workos } = linkedUser(["reader"], "authkit-carol");
  const clientId = `client_01${unique()}`;
  const token = await authkitToken({ sub: workos.id, client_id: clientId, scope: "account:read clients:read" });
  const other = await authkitToken({ sub: workos.id, client_id: clientId, scope: "account:read" });
  await approvedClient(token, clientId, ["account:read", "clients:read"]);
  const client = await mcpClient(token, mcpUrl);
  expect((await client.callTool({ name: "list_clients", arguments: {} })).isError).toBeFalsy();

  const jti = decodeJwt(token).jti!;
  const revoked = JSON.parse(cli(["authkit", "revoke", "--token", jti, "--reason", "e2e: token leaked in a log", "--json"]));
  expect(revoked).toMatchObject({ kind: "token", value: jti, created: true });
  await workosPage(page);
  await expect(page.getByTestId(`revocation-token-${jti}`)).toContainText("e2e: token leaked in a log");
  await snap(page, "workos-deny-list");

  let refused: Response | undefined;
  await expect.poll(async () => (refused = await callToolOverHttp(token, "whoami", {}, {}, mcpUrl)).status, eventually).toBe(401);
  expect(refused!.headers.get("www-authenticate")).toContain('error="invalid_token"');
  expect(refused!.headers.get("www-authenticate")).toContain('error_description="token has been revoked"');
  const viaSdk = await client.callTool({ name: "whoami", arguments: {} }).catch((e: unknown) => e);
  expect(viaSdk).toBeInstanceOf(SdkHttpError);
  expect((viaSdk as SdkHttpError).status).toBe(401);
  await client.close();

  const stillValid = await mcpClient(other, mcpUrl);
  expect((await stillValid.callTool({ name: "whoami", arguments: {} })).structuredContent).toMatchObject({ user: { id: local.id } });
  await stillValid.close();

  const denials = clientEvents(clientId).filter((e) => e.kind === "decision.deny");
  expect(denials).toContainEqual(
    expect.objectContaining({
      reason: "denied: token has been revoked",
      detail: expect.objectContaining({ stage: "authenticate", check: "authkit_token", status: 401 }),
    }),
  );
  const verified = server.cli(["audit", "verify"]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
});
