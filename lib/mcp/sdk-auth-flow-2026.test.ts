import { randomUUID } from "node:crypto";
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { serveResourceMetadata } from "@/lib/mcp/serve-resource-metadata";
import { syncTools } from "@/lib/mcp/sync-tools";
import { createUser } from "@/lib/users/create-user";
import { RecordingOAuthProvider } from "@/test/support/recording-oauth-provider";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/**
 * The v2 SDK client (@modelcontextprotocol/client), pinned to MCP 2026-07-28, against /mcp end to end: its
 * `server/discover` probe meets the 401, it follows our resource metadata to the issuer, asks for the challenged scopes,
 * connects on the modern era once authorized, and steps up on a 403 `insufficient_scope` by itself. The 2025-era
 * counterpart (the v1 SDK client) is sdk-auth-flow.test.ts; both talk to the same handler.
 */
const ISSUER = "http://localhost:3999";
const RESOURCE = `${ISSUER}/mcp`;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let userId: string;
const clientId = `sdk2-client-${randomUUID()}`;
let grantId: string | undefined;
const codes = new Map<string, string[]>();
const challenges: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  userId = (await createUser({ email: "sdk2@example.test", name: "Sdk2", roles: ["editor"] }, CLI_CONTEXT)).id;
});
afterAll(() => database.close());

async function standInAuthorizationServer(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === "/.well-known/oauth-authorization-server") {
    return Response.json({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none"],
    });
  }
  if (pathname === "/oauth/token") {
    const form = new URLSearchParams(await request.text());
    const scopes = codes.get(form.get("code") ?? "");
    if (!scopes || form.get("resource") !== RESOURCE) return Response.json({ error: "invalid_grant" }, { status: 400 });
    const issued = await issueTestToken({ userId, clientId, scopes, grantId });
    grantId = issued.grantId;
    return Response.json({ access_token: issued.token, token_type: "Bearer", expires_in: 600, scope: scopes.join(" ") });
  }
  return new Response("not found", { status: 404 });
}

async function route(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(url, init);
  const { pathname } = new URL(request.url);
  if (pathname === "/mcp") {
    const response = await handleMcpRequest(request);
    const challenge = response.headers.get("www-authenticate");
    if (challenge) challenges.push(challenge);
    return response;
  }
  if (pathname.startsWith("/.well-known/oauth-protected-resource")) return serveResourceMetadata(request);
  return standInAuthorizationServer(request);
}


const transportFor = (provider: RecordingOAuthProvider) => new StreamableHTTPClientTransport(new URL(RESOURCE), { authProvider: provider, fetch: route });
const modernClient = () => new Client({ name: "sdk-v2", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });

function approve(scopes: string[]): string {
  const code = randomUUID();
  codes.set(code, scopes);
  return code;
}

describe("the v2 SDK client on MCP 2026-07-28, OAuth included", () => {
  it("authorizes from the 401 on its discover probe, calls tools on the modern era, and steps up on a 403 by itself", async () => {
    const provider = new RecordingOAuthProvider(clientId, "http://127.0.0.1:8977/callback", "SDK v2 flow test");
    const first = transportFor(provider);
    await expect(modernClient().connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    const initial = provider.authorizations.at(-1)!;
    expect(initial.origin + initial.pathname).toBe(`${ISSUER}/oauth/authorize`);
    expect(Object.fromEntries(initial.searchParams)).toMatchObject({
      client_id: clientId,
      response_type: "code",
      code_challenge_method: "S256",
      resource: RESOURCE,
      scope: "account:read audit:read clients:read clients:write policy:read tokens:revoke users:read",
    });

    // The user approves only account:read on the consent page.
    await first.finishAuth(approve(["account:read"]));
    const client = modernClient();
    const transport = transportFor(provider);
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe("modern");
    expect(client.getServerVersion()).toMatchObject({ name: "portcullis" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["whoami"]);
    const whoami = await client.callTool({ name: "whoami", arguments: {} });
    expect(whoami.isError).toBeFalsy();
    expect(whoami.structuredContent).toMatchObject({ user: { id: userId }, token: { scopes: ["account:read"] } });
    const allowed = await db().auditEvent.findFirstOrThrow({ where: { kind: "decision.allow", tool: "whoami", clientId }, orderBy: { seq: "desc" } });
    expect(allowed.detail).toMatchObject({ protocolEra: "modern", protocolVersion: "2026-07-28" });

    // list_clients needs clients:read. The challenge names just that; the client adds what it already asked for.
    await expect(client.callTool({ name: "list_clients", arguments: {} })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(challenges.at(-1)).toContain('error="insufficient_scope", scope="clients:read"');
    const stepUp = provider.authorizations.at(-1)!;
    expect(stepUp.searchParams.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["account:read", "clients:read"]));
    expect(stepUp.searchParams.get("resource")).toBe(RESOURCE);

    await transport.finishAuth(approve(["account:read", "clients:read"]));
    const upgraded = modernClient();
    await upgraded.connect(transportFor(provider));
    const result = await upgraded.callTool({ name: "list_clients", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { clients: Array<{ client_id: string }> }).clients.map((c) => c.client_id)).toContain(clientId);
    await upgraded.close();
  });

  it("connects on the 2025 era when told to, against the same URL", async () => {
    const { token } = await issueTestToken({ userId, scopes: ["account:read"] });
    const legacy = new Client({ name: "sdk-v2-legacy", version: "1" });
    await legacy.connect(
      new StreamableHTTPClientTransport(new URL(RESOURCE), { requestInit: { headers: { Authorization: `Bearer ${token}` } }, fetch: route }),
    );
    expect(legacy.getProtocolEra()).toBe("legacy");
    expect((await legacy.callTool({ name: "whoami", arguments: {} })).isError).toBeFalsy();
    const allowed = await db().auditEvent.findFirstOrThrow({ where: { kind: "decision.allow", tool: "whoami" }, orderBy: { seq: "desc" } });
    expect(allowed.detail).toMatchObject({ protocolEra: "legacy", protocolVersion: "2025-11-25" });
    await legacy.close();
  });
});
