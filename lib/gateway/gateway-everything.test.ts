import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { handleGatewayRequest } from "@/lib/gateway/handle-gateway-request";
import { serveGatewayResourceMetadata } from "@/lib/gateway/serve-gateway-resource-metadata";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { authorizationServerMetadata } from "@/lib/oauth/metadata/authorization-server-metadata";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";
import { createRole } from "@/lib/roles/create-role";
import { createScope } from "@/lib/scopes/create-scope";
import { setToolScope } from "@/lib/tools/set-tool-scope";
import { removeRole } from "@/lib/users/remove-role";
import { openTestDatabase } from "@/test/support/db";
import { decideConsent, REDIRECT_URI, testClient, testUser } from "@/test/support/oauth";
import { RecordingOAuthProvider } from "@/test/support/recording-oauth-provider";
import { startEverything, type RunningUpstream } from "@/test/support/upstreams";

/**
 * The real third-party server `@modelcontextprotocol/server-everything` (Streamable HTTP) behind Portcullis at
 * /mcp/everything, driven end to end by the official v2 SDK client through the full OAuth flow of the built-in
 * authorization server: discovery from the 401, consent, token for exactly that resource, a filtered tools/list, a
 * real result, a 403 insufficient_scope and step-up, and access lost on the very next call after a role is removed.
 */
const ISSUER = "http://localhost:3999";
const RESOURCE = `${ISSUER}/mcp/everything`;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let everything: RunningUpstream;

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  everything = await startEverything(4531);
  await addUpstreamServer({ name: "everything", url: everything.url, description: "server-everything", acceptAll: true }, CLI_CONTEXT);
}, 60_000);
afterAll(async () => {
  await closeUpstreams();
  await everything?.stop();
  await database.close();
});

async function route(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(url, init);
  const { pathname } = new URL(request.url);
  if (pathname === "/mcp") return handleMcpRequest(request);
  if (pathname.startsWith("/mcp/")) return handleGatewayRequest(request, pathname.slice(5));
  if (pathname.startsWith("/.well-known/oauth-protected-resource/mcp/")) return serveGatewayResourceMetadata(request, pathname.split("/").pop()!);
  if (pathname === "/.well-known/oauth-authorization-server") return Response.json(await authorizationServerMetadata("oauth"));
  if (pathname === "/oauth/token") return handleTokenRequest(request);
  return new Response("not found", { status: 404 });
}


const transportFor = (provider: RecordingOAuthProvider) => new StreamableHTTPClientTransport(new URL(RESOURCE), { authProvider: provider, fetch: route });
const newClient = () => new Client({ name: "gateway-test", version: "1" });

/** The user approves on the consent page (only `choose`n scopes, if given); returns the callback's parameters. */
async function consent(url: URL, user: Awaited<ReturnType<typeof testUser>>, choose?: (s: string[]) => string[]): Promise<URLSearchParams> {
  const response = await decideConsent(url, user, "allow", choose);
  return new URL(response.headers.get("location")!).searchParams;
}

describe("server-everything behind /mcp/everything, with the official SDK client and the full OAuth flow", () => {
  it("discovers, authorizes for exactly that resource, lists, calls, steps up, and loses access on the next call", async () => {
    await createScope({ name: "everything:sum", description: "Add numbers" }, CLI_CONTEXT);
    await setToolScope("everything.get-sum", "everything:sum", CLI_CONTEXT);
    await createRole({ name: "everything_user", scopes: ["server:everything", "everything:sum"] }, CLI_CONTEXT);
    const user = await testUser(["everything_user"]);
    const { clientId } = await testClient({}, { scopes: ["server:everything", "everything:sum"] });
    const provider = new RecordingOAuthProvider(clientId, REDIRECT_URI, "gateway test");

    const first = transportFor(provider);
    await expect(newClient().connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    const authorization = provider.authorizations.at(-1)!;
    expect(authorization.searchParams.get("resource")).toBe(RESOURCE);
    expect(authorization.searchParams.get("scope")!.split(" ").sort()).toEqual(["everything:sum", "server:everything"]);
    // The user approves only the server's default scope.
    await first.finishAuth(await consent(authorization, user, () => ["server:everything"]));
    expect(provider.stored?.access_token).toBeTruthy();

    const client = newClient();
    await client.connect(transportFor(provider));
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("echo");
    expect(names).not.toContain("get-sum");
    const echoed = await client.callTool({ name: "echo", arguments: { message: "through the gate" } });
    expect(echoed.isError).toBeFalsy();
    expect(JSON.stringify(echoed.content)).toContain("through the gate");
    const allowed = await db().auditEvent.findFirstOrThrow({ where: { kind: "decision.allow", tool: "everything.echo" }, orderBy: { seq: "desc" } });
    expect(allowed.detail).toMatchObject({ server: "everything", resource: RESOURCE });
    const call = await db().auditEvent.findFirstOrThrow({ where: { kind: "gateway.call", tool: "everything.echo" }, orderBy: { seq: "desc" } });
    expect(call.seq).toBeGreaterThan(allowed.seq);
    expect(call.detail).toMatchObject({ server: "everything", upstreamTool: "echo", outcome: "ok" });
    expect(typeof (call.detail as { latencyMs: unknown }).latencyMs).toBe("number");

    // get-sum needs everything:sum, which the token lacks: 403 insufficient_scope; the SDK asks for it by itself.
    await expect(client.callTool({ name: "get-sum", arguments: { a: 2, b: 3 } })).rejects.toBeInstanceOf(UnauthorizedError);
    const stepUp = provider.authorizations.at(-1)!;
    expect(stepUp.searchParams.get("scope")).toContain("everything:sum");
    expect(stepUp.searchParams.get("resource")).toBe(RESOURCE);
    await transportFor(provider).finishAuth(await consent(stepUp, user));
    const upgraded = newClient();
    await upgraded.connect(transportFor(provider));
    const sum = await upgraded.callTool({ name: "get-sum", arguments: { a: 2, b: 3 } });
    expect(JSON.stringify(sum.content)).toContain("5");

    // resources/* and prompts/* pass through for holders of server:everything, each a recorded decision.
    const { resources } = await upgraded.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await upgraded.readResource({ uri: resources[0].uri });
    expect(read.contents.length).toBeGreaterThan(0);
    const { prompts } = await upgraded.listPrompts();
    expect(prompts.length).toBeGreaterThan(0);
    const relayed = await db().auditEvent.findMany({ where: { kind: "decision.allow", detail: { path: ["relayedMethod"], equals: "resources/read" } } });
    expect(relayed).toHaveLength(1);

    // A client on MCP 2026-07-28 (the modern, per-request era) is served the same way.
    const modern = new Client({ name: "gateway-modern", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await modern.connect(new StreamableHTTPClientTransport(new URL(RESOURCE), { requestInit: { headers: { Authorization: `Bearer ${provider.stored!.access_token}` } }, fetch: route }));
    expect(modern.getProtocolEra()).toBe("modern");
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain("get-sum");
    const modernEcho = await modern.callTool({ name: "echo", arguments: { message: "modern era" } });
    expect(JSON.stringify(modernEcho.content)).toContain("modern era");
    await modern.close();

    // The token for /mcp/everything is refused at /mcp (another resource).
    const atBuiltin = await handleMcpRequest(
      new Request(`${ISSUER}/mcp`, {
        method: "POST",
        headers: { Authorization: `Bearer ${provider.stored!.access_token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
      }),
    );
    expect(atBuiltin.status).toBe(401);
    expect(atBuiltin.headers.get("www-authenticate")).toContain("aud claim is invalid");

    // The role goes: the very next call is refused, with no challenge (re-authorizing would not help).
    await removeRole(user.id, "everything_user", CLI_CONTEXT);
    const refused = await route(RESOURCE, {
      method: "POST",
      headers: { Authorization: `Bearer ${provider.stored!.access_token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "echo", arguments: { message: "again" } } }),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toBeNull();
    await upgraded.close();
    await client.close();
  });
});
