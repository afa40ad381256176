import { randomUUID } from "node:crypto";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { openTestDatabase } from "@/test/support/db";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { serveResourceMetadata } from "@/lib/mcp/serve-resource-metadata";
import { syncTools } from "@/lib/mcp/sync-tools";
import { issueTestToken } from "@/test/support/mcp";
import { createUser } from "@/lib/users/create-user";

/**
 * The MCP SDK client's own OAuth flow against /mcp: the 401 and 403 challenges must lead it, unaided, to our resource
 * metadata, the built-in issuer, and an authorization request for the right scopes and resource. The authorization
 * server is built on another branch; a stand-in answers its two endpoints here, issuing tokens the way it will.
 */
const ISSUER = "http://localhost:3999";
const RESOURCE = `${ISSUER}/mcp`;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let userId: string;
const clientId = `sdk-client-${randomUUID()}`;
let grantId: string | undefined;
const codes = new Map<string, string[]>();

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  userId = (await createUser({ email: "sdk@example.test", name: "Sdk", roles: ["editor"] }, CLI_CONTEXT)).id;
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

function route(url: string | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(url, init);
  const { pathname } = new URL(request.url);
  if (pathname === "/mcp") return handleMcpRequest(request);
  if (pathname.startsWith("/.well-known/oauth-protected-resource")) return serveResourceMetadata(request);
  return standInAuthorizationServer(request);
}

class RecordingProvider implements OAuthClientProvider {
  authorizations: URL[] = [];
  stored?: OAuthTokens;
  verifier = "";
  get redirectUrl() {
    return "http://127.0.0.1:8976/callback";
  }
  get clientMetadata() {
    return { client_name: "SDK flow test", redirect_uris: [this.redirectUrl] };
  }
  clientInformation() {
    return { client_id: clientId };
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

const transportFor = (provider: RecordingProvider) => new StreamableHTTPClientTransport(new URL(RESOURCE), { authProvider: provider, fetch: route });

/** What the authorization page does when the user approves `scopes`: a code the token endpoint redeems. */
function approve(scopes: string[]): string {
  const code = randomUUID();
  codes.set(code, scopes);
  return code;
}

describe("the v1 SDK client (2025-11-25) through OAuth against /mcp", () => {
  it("goes from a 401 to an authorization request for this resource, then steps up on a 403 for exactly the named scope", async () => {
    const provider = new RecordingProvider();
    const first = transportFor(provider);
    await expect(new Client({ name: "sdk", version: "1" }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
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
    const client = new Client({ name: "sdk", version: "1" });
    const transport = transportFor(provider);
    await client.connect(transport);
    expect((await client.callTool({ name: "whoami", arguments: {} })).isError).toBeFalsy();

    // list_clients needs clients:read: the SDK reads the 403 challenge and asks for it, keeping what it had.
    await expect(client.callTool({ name: "list_clients", arguments: {} })).rejects.toBeInstanceOf(UnauthorizedError);
    const stepUp = provider.authorizations.at(-1)!;
    expect(stepUp.searchParams.get("scope")).toBe("account:read clients:read");
    expect(stepUp.searchParams.get("resource")).toBe(RESOURCE);

    await transport.finishAuth(approve(["account:read", "clients:read"]));
    const upgraded = new Client({ name: "sdk", version: "1" });
    await upgraded.connect(transportFor(provider));
    const result = await upgraded.callTool({ name: "list_clients", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { clients: Array<{ client_id: string }> }).clients.map((c) => c.client_id)).toContain(clientId);
  });
});
