import { auth, ClientCredentialsProvider, SdkHttpError, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { decodeJwt } from "jose";
import { createUser, portcullis } from "./support/cli";
import { signIn } from "./support/console";
import { MCP_URL, modernClient } from "./support/mcp";
import { snap } from "./support/screenshot";
import { E2E_BASE_URL } from "./support/server";
import { saveAfterPreview } from "./support/impact";

/** A service identity: no password, cannot sign in; its roles bound what its clients may do. */
function createServiceIdentity(roles: string[]): { email: string; id: string } {
  const email = `svc-${Date.now().toString(36)}@svc.example.test`;
  const created = portcullis(["users", "create", "--email", email, "--service", ...roles.flatMap((r) => ["--role", r]), "--json"]);
  expect(created.code, created.stderr).toBe(0);
  return { email, id: JSON.parse(created.stdout).id };
}

test("a confidential client acting as a service identity gets client_credentials tokens from the SDK, limited by that identity's roles, and loses a tool when a role is removed", async ({ page }) => {
  // Several CLI commands, a console session and two SDK clients: longer than one page's journey on a busy machine.
  test.setTimeout(120_000);
  const admin = createUser(["iam_admin"], "svc-admin");
  const person = createUser(["reader"], "svc-person");
  const service = createServiceIdentity(["developer", "reader"]);
  const clientName = `nightly-inventory job ${Date.now().toString(36)}`;

  // 1. The job registers as a confidential client (RFC 7591) and receives its secret once.
  const registration = await fetch(`${E2E_BASE_URL}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: clientName, grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" }),
  });
  expect(registration.status).toBe(201);
  const { client_id: clientId, client_secret: clientSecret } = (await registration.json()) as { client_id: string; client_secret: string };
  expect(clientSecret).toBeTruthy();

  // 2. Approval binds it to a service identity — a person will not do — and sets what it may ever receive. The
  //    allow-list includes clients:write, which the identity's roles do not grant: the roles still bound it.
  const approve = (...extra: string[]) =>
    portcullis(["clients", "approve", clientId, "--reason", "e2e: inventory job", "--scope", "account:read", "--scope", "clients:read", "--scope", "clients:write", ...extra]);
  const unbound = approve();
  expect(unbound.code).toBe(1);
  expect(unbound.stderr).toContain("This client uses client_credentials: bind it to a service identity (--service-user).");
  const toPerson = approve("--service-user", person.email);
  expect(toPerson.code).toBe(1);
  expect(toPerson.stderr).toContain(`${person.email} is a person, not a service identity`);
  const bound = approve("--service-user", service.email);
  expect(bound.code, bound.stderr).toBe(0);

  // 3. The official SDK's client_credentials provider: the first request is 401, the SDK discovers the authorization
  //    server from the resource metadata, fetches a token with its secret, and retries.
  const provider = new ClientCredentialsProvider({ clientId, clientSecret, clientName, expectedIssuer: E2E_BASE_URL });
  const client = modernClient("inventory-job");
  await client.connect(new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider }));
  const first = provider.tokens()!;
  expect(first.refresh_token).toBeUndefined();
  expect(first.scope).toBe("account:read clients:read");
  expect(decodeJwt(first.access_token)).toMatchObject({ sub: service.id, client_id: clientId, aud: MCP_URL });
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_client", "list_clients", "whoami"]);
  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  expect(whoami.structuredContent).toMatchObject({ user: { email: service.email, kind: "service" }, client: { id: clientId, name: clientName }, roles: ["developer", "reader"] });
  const listed = await client.callTool({ name: "list_clients", arguments: { search: clientName } });
  expect((listed.structuredContent as { clients: Array<{ client_id: string }> }).clients.map((c) => c.client_id)).toEqual([clientId]);
  // Allowed for the client, not held by the identity: refused, and no token could carry it.
  const beyond = await client.callTool({ name: "approve_client", arguments: { client_id: clientId, reason: "self-approval" } }).catch((e: unknown) => e);
  expect(beyond).toBeInstanceOf(SdkHttpError);
  expect((beyond as SdkHttpError).status).toBe(403);
  expect((beyond as Error).message).toContain(`denied: user ${service.email} has no role granting clients:write`);

  // 4. An admin removes the reader role from the service identity in the console: the next call that needed it is
  //    denied with the token the job already holds.
  await signIn(page, admin.email, admin.password);
  await page.goto(`/users/${service.id}`);
  await expect(page.getByText("service identity")).toBeVisible();
  await page.getByRole("button", { name: "Remove role reader" }).click();
  await saveAfterPreview(page.getByRole("form", { name: "Remove role reader" }));
  await expect(page.getByRole("button", { name: "Remove role reader" })).toHaveCount(0);
  await snap(page, "service-identity-role-removed");
  const denied = await client.callTool({ name: "list_clients", arguments: {} }).catch((e: unknown) => e);
  expect(denied).toBeInstanceOf(SdkHttpError);
  expect((denied as SdkHttpError).status).toBe(403);
  expect((denied as Error).message).toContain(`denied: user ${service.email} has no role granting clients:read`);
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["whoami"]);

  // 5. A new token for the job carries only what the identity still holds.
  expect(await auth(provider, { serverUrl: MCP_URL })).toBe("AUTHORIZED");
  expect(provider.tokens()!.scope).toBe("account:read");
  expect((await client.callTool({ name: "whoami", arguments: {} })).structuredContent).toMatchObject({ token: { scopes: ["account:read"] }, roles: ["developer"] });
  await client.close();

  const exported = portcullis(["audit", "export", "--format", "jsonl", "--client", clientId]);
  expect(exported.code, exported.stderr).toBe(0);
  const events = exported.stdout.trim().split("\n").map((line) => JSON.parse(line) as { kind: string; tool: string | null; subject: string | null; reason: string; detail: Record<string, unknown> });
  expect(events.filter((e) => e.kind === "token.issued").map((e) => e.subject)).toEqual([service.id, service.id]);
  expect(events).toContainEqual(
    expect.objectContaining({ kind: "decision.allow", tool: "list_clients", reason: `user ${service.email} → role reader → scope clients:read → tool list_clients` }),
  );
  expect(events).toContainEqual(
    expect.objectContaining({ kind: "decision.deny", tool: "list_clients", detail: expect.objectContaining({ check: "user_scope", status: 403 }) }),
  );
  const verified = portcullis(["audit", "verify"]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
});
