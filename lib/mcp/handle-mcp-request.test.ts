import { Client, extractWWWAuthenticateParams, InsufficientScopeError, SdkHttpError, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { base64url, generateKeyPair, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { reactivateClient } from "@/lib/clients/reactivate-client";
import { suspendClient } from "@/lib/clients/suspend-client";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { keyRing, publicJwks } from "@/lib/keys";
import { logger } from "@/lib/logger";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { flushUsage } from "@/lib/usage/note-usage";
import { syncTools } from "@/lib/mcp/sync-tools";
import { issueTestToken } from "@/test/support/mcp";
import { findTool } from "@/lib/mcp/tools";
import { createUser } from "@/lib/users/create-user";
import { removeRole } from "@/lib/users/remove-role";
import { setUserDisabled } from "@/lib/users/set-user-disabled";

const ISSUER = "http://localhost:3999";
const RESOURCE = `${ISSUER}/mcp`;
const METADATA = `${ISSUER}/.well-known/oauth-protected-resource/mcp`;
const ALL_TOOL_SCOPES = "account:read audit:read clients:read clients:write policy:read tokens:revoke users:read";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: { id: string; email: string };
let admin: { id: string; email: string };

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  alice = await createUser({ email: "alice@example.test", name: "Alice", roles: ["editor"] }, CLI_CONTEXT);
  admin = await createUser({ email: "root@example.test", name: "Root", roles: ["iam_admin"] }, CLI_CONTEXT);
});
afterAll(() => database.close());
beforeEach(() => vi.restoreAllMocks());

/** The real MCP SDK client (v2, on the 2025-era wire it negotiates by default), speaking HTTP to the route handler in-process. */
async function connect(token: string): Promise<Client> {
  const client = new Client({ name: "vitest", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(RESOURCE), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: (url, init) => handleMcpRequest(new Request(url, init)),
  });
  await client.connect(transport);
  return client;
}

let rpcId = 0;
/** One raw JSON-RPC POST, for asserting exact statuses and headers. */
function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return handleMcpRequest(
    new Request(RESOURCE, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

function callTool(token: string | null, name: string, args: Record<string, unknown> = {}): Promise<Response> {
  return post({ jsonrpc: "2.0", id: ++rpcId, method: "tools/call", params: { name, arguments: args } }, token ? { Authorization: `Bearer ${token}` } : {});
}

async function lastDecision() {
  return db().auditEvent.findFirstOrThrow({ where: { kind: { startsWith: "decision." } }, orderBy: { seq: "desc" } });
}

afterEach(() => vi.useRealTimers());

describe("authentication challenges (RFC 6750 §3, RFC 9728 §5.1)", () => {
  it("answers a request without a token 401 with resource_metadata and scope, and no error code", async () => {
    const response = await callTool(null, "whoami");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Bearer scope="${ALL_TOOL_SCOPES}", resource_metadata="${METADATA}"`);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", id: rpcId, error: { code: -32010, message: "Unauthorized: an access token is required." } });
    expect(await lastDecision()).toMatchObject({ kind: "decision.deny", actor: "anonymous", tool: "whoami", reason: "denied: no access token" });
  });

  it("answers a malformed Authorization header 400 invalid_request, and a token in the query string too", async () => {
    const response = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { Authorization: "Basic YTpi" });
    expect(response.status).toBe(400);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_request"');
    const query = await handleMcpRequest(new Request(`${RESOURCE}?access_token=abc`, { method: "POST", headers: { Authorization: "Bearer abc" }, body: "{}" }));
    expect(query.status).toBe(400);
    expect(query.headers.get("www-authenticate")).toContain('error_description="access tokens are accepted in the Authorization header only"');
  });

  it("throttles an address that keeps being refused, recording one event instead of one per request", async () => {
    const from = { "x-portcullis-client-ip": "198.51.100.7" };
    // At the start of a minute: the count is per clock minute, shared by every instance.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / 60_000) * 60_000 + 100);
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) statuses.push((await post({ jsonrpc: "2.0", id: i, method: "tools/list" }, from)).status);
    expect(statuses.slice(0, 120).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(120)).toEqual([429, 429, 429, 429, 429]);
    const events = await db().auditEvent.findMany({ where: { ip: "198.51.100.7" }, orderBy: { seq: "asc" } });
    expect(events).toHaveLength(121);
    expect(events.at(-1)!.reason).toMatch(/^denied: more than 120 refused requests a minute from 198\.51\.100\.7/);
    // A caller with a valid token from the same address is not affected.
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read"] });
    expect((await post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { ...from, Authorization: `Bearer ${issued.token}` })).status).toBe(200);
  });

  it("gives the SDK client what it needs to start authorization on a 401", async () => {
    const response = await callTool(null, "whoami");
    const params = extractWWWAuthenticateParams(response);
    expect(params.resourceMetadataUrl?.href).toBe(METADATA);
    expect(params.scope).toBe(ALL_TOOL_SCOPES);
    expect(params.error).toBeUndefined();
  });
});

describe("forged and unusable tokens are refused with 401 invalid_token", () => {
  const claims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: ISSUER, sub: alice.id, aud: RESOURCE, iat: now, nbf: now, exp: now + 300, jti: crypto.randomUUID(), client_id: "x", scope: "account:read", grant_id: crypto.randomUUID(), ...overrides };
  };

  async function expectInvalid(token: string, description: string) {
    const response = await callTool(token, "whoami");
    expect(response.status).toBe(401);
    const header = response.headers.get("www-authenticate")!;
    expect(header).toContain('error="invalid_token"');
    expect(header).toContain(`error_description="${description}"`);
    expect(header).toContain(`resource_metadata="${METADATA}"`);
    const event = await lastDecision();
    expect(event).toMatchObject({ kind: "decision.deny", reason: `denied: ${description}` });
  }

  it("refuses alg none", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", kid: (await keyRing()).active.kid }));
    await expectInvalid(`${header}.${base64url.encode(JSON.stringify(claims()))}.`, "algorithm none is not accepted");
  });

  it("refuses HS256 signed with the public key", async () => {
    const { kid } = (await keyRing()).active;
    const jwk = (await publicJwks()).keys.find((k) => k.kid === kid)!;
    const forged = await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid, typ: "at+jwt" }).sign(new TextEncoder().encode(JSON.stringify(jwk)));
    await expectInvalid(forged, "algorithm HS256 is not accepted");
  });

  it("refuses an expired token", async () => {
    const ring = await keyRing();
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT(claims({ iat: past, nbf: past, exp: past + 600 })).setProtectedHeader({ alg: "ES256", kid: ring.active.kid, typ: "at+jwt" }).sign(ring.active.privateKey);
    await expectInvalid(expired, "token has expired");
  });

  it("refuses a token for another audience and one from another issuer, even signed with our key", async () => {
    const ring = await keyRing();
    const sign = (c: object) => new SignJWT({ ...c }).setProtectedHeader({ alg: "ES256", kid: ring.active.kid, typ: "at+jwt" }).sign(ring.active.privateKey);
    await expectInvalid(await sign(claims({ aud: "https://elsewhere.example/mcp" })), "token aud claim is invalid");
    await expectInvalid(await sign(claims({ iss: "https://evil.example" })), "token iss claim is invalid");
  });

  it("refuses an unknown kid, and another issuer's key under our kid", async () => {
    const foreign = await generateKeyPair("ES256");
    await expectInvalid(
      await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: "someone-elses-key", typ: "at+jwt" }).sign(foreign.privateKey),
      "token was signed by an unknown key",
    );
    await expectInvalid(
      await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: (await keyRing()).active.kid, typ: "at+jwt" }).sign(foreign.privateKey),
      "token signature is invalid",
    );
  });

  it("refuses a token that would live longer than any token may", async () => {
    const ring = await keyRing();
    const now = Math.floor(Date.now() / 1000);
    const long = await new SignJWT(claims({ exp: now + 2 * 86_400 })).setProtectedHeader({ alg: "ES256", kid: ring.active.kid, typ: "at+jwt" }).sign(ring.active.privateKey);
    await expectInvalid(long, "token lifetime exceeds 86400 seconds");
  });
});

describe("decisions with the current policy", () => {
  it("allows a call the token, the user's roles and the client all permit, and records the reason path first", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read", "clients:read"], clientName: "Cursor" });
    const spy = vi.spyOn(findTool("whoami")!, "run");
    const client = await connect(issued.token);
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      user: { id: alice.id, email: alice.email },
      client: { id: issued.clientId, name: "Cursor" },
      grant_id: issued.grantId,
      token: { scopes: ["account:read", "clients:read"] },
      roles: ["editor"],
      callable_tools: ["get_client", "list_clients", "whoami"],
    });
    expect(spy).toHaveBeenCalledOnce();
    const event = await lastDecision();
    expect(event).toMatchObject({
      kind: "decision.allow",
      actor: `user:${alice.id}`,
      subject: alice.id,
      clientId: issued.clientId,
      tool: "whoami",
      decision: "allow",
      scopes: ["account:read", "clients:read"],
      reason: "user alice@example.test → role editor → inherits reader → scope account:read → tool whoami",
    });
    expect(event.detail).toMatchObject({ method: "tools/call", grantId: issued.grantId, jti: issued.jti, check: "allowed", requiredScope: "account:read" });
    await client.close();
    // Last use is written in the background, never on the call's path.
    expect((await db().client.findUniqueOrThrow({ where: { id: issued.clientId } })).lastUsedAt).toBeNull();
    await flushUsage();
    expect((await db().client.findUniqueOrThrow({ where: { id: issued.clientId } })).lastUsedAt).toBeInstanceOf(Date);
    expect((await db().grant.findUniqueOrThrow({ where: { id: issued.grantId } })).lastUsedAt).toBeInstanceOf(Date);
  });

  it("lists only the tools the caller may call", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read", "clients:read", "clients:write", "audit:read"] });
    const client = await connect(issued.token);
    const { tools } = await client.listTools();
    // audit:read is in the token, but no role of Alice grants it.
    expect(tools.map((t) => t.name)).toEqual(["approve_client", "get_client", "list_clients", "suspend_client", "whoami"]);
    expect(tools.find((t) => t.name === "suspend_client")!.inputSchema).toMatchObject({ type: "object", required: ["client_id", "reason"] });
    await client.close();
  });

  it("answers a missing scope 403 insufficient_scope naming it, then serves the stepped-up token", async () => {
    const first = await issueTestToken({ userId: alice.id, scopes: ["account:read"] });
    const runs = vi.spyOn(findTool("list_clients")!, "run");
    const response = await callTool(first.token, "list_clients");
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", scope="account:read clients:read", resource_metadata="${METADATA}", error_description="The list_clients tool requires the clients:read scope"`,
    );
    const params = extractWWWAuthenticateParams(response);
    expect(params).toMatchObject({ error: "insufficient_scope", scope: "account:read clients:read" });
    expect(await response.json()).toMatchObject({ id: rpcId, error: { code: -32011, data: { requiredScope: "clients:read", tool: "list_clients" } } });
    expect(runs).not.toHaveBeenCalled();
    expect(await lastDecision()).toMatchObject({
      kind: "decision.deny",
      tool: "list_clients",
      reason: "user alice@example.test → role editor → inherits reader → scope clients:read → denied: token scope lacks clients:read (granted: account:read)",
    });

    // The SDK client surfaces the challenge (with an auth provider it would re-authorize with params.scope).
    const sdk = await connect(first.token);
    const refused = await sdk.callTool({ name: "list_clients", arguments: {} }).catch((e) => e);
    expect(refused).toBeInstanceOf(InsufficientScopeError);
    expect((refused as InsufficientScopeError).requiredScope).toBe(params.scope);

    const stepped = await issueTestToken({ userId: alice.id, clientId: first.clientId, grantId: first.grantId, scopes: params.scope!.split(" ") });
    const upgraded = await connect(stepped.token);
    const result = await upgraded.callTool({ name: "list_clients", arguments: { limit: 5 } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { clients: Array<{ client_id: string }> }).clients.map((c) => c.client_id)).toContain(first.clientId);
    expect(await lastDecision()).toMatchObject({ kind: "decision.allow", tool: "list_clients" });
  });

  it("denies the next call once a role is removed, with no challenge (re-authorizing would not help)", async () => {
    const bob = await createUser({ email: "bob@example.test", name: "Bob", roles: ["reader"] }, CLI_CONTEXT);
    const issued = await issueTestToken({ userId: bob.id, scopes: ["account:read", "clients:read"] });
    expect((await callTool(issued.token, "list_clients")).status).toBe(200);
    await removeRole(bob.id, "reader", CLI_CONTEXT);
    const response = await callTool(issued.token, "list_clients");
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect(await response.json()).toMatchObject({ error: { code: -32011, message: "Forbidden: denied: user bob@example.test has no role granting clients:read" } });
    expect(await lastDecision()).toMatchObject({ kind: "decision.deny", reason: "denied: user bob@example.test has no role granting clients:read" });
  });

  it("denies a tool whose scope the client's allow-list lacks, even when token and role carry it", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read", "clients:write"], allowedScopes: ["account:read"], clientName: "Narrow" });
    const response = await callTool(issued.token, "approve_client", { client_id: "x" });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect(await lastDecision()).toMatchObject({
      kind: "decision.deny",
      reason: "user alice@example.test → role editor → scope clients:write → denied: client Narrow is not allowed clients:write",
    });
  });

  it("refuses every token of a suspended client from the next call, and serves it again once reactivated", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read"], clientName: "Sketchy" });
    expect((await callTool(issued.token, "whoami")).status).toBe(200);
    await suspendClient(issued.clientId, "investigating", CLI_CONTEXT);
    const response = await callTool(issued.token, "whoami");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error_description="client Sketchy is suspended"');
    expect(await lastDecision()).toMatchObject({ kind: "decision.deny", clientId: issued.clientId, reason: "denied: client Sketchy is suspended" });
    await reactivateClient(issued.clientId, "false alarm", CLI_CONTEXT);
    expect((await callTool(issued.token, "whoami")).status).toBe(200);
  });

  it("answers 401 from the first call after a grant is revoked, and after its user is disabled", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read"] });
    const client = await connect(issued.token);
    await client.callTool({ name: "whoami", arguments: {} });
    await revokeGrant(issued.grantId, CLI_CONTEXT, "lost laptop");
    const refused = await client.callTool({ name: "whoami", arguments: {} }).catch((e) => e);
    expect((refused as SdkHttpError).status).toBe(401);
    expect(await lastDecision()).toMatchObject({ reason: `denied: token ${issued.jti} was revoked` });
    const carol = await createUser({ email: "carol@example.test", name: "Carol", roles: ["reader"] }, CLI_CONTEXT);
    const carols = await issueTestToken({ userId: carol.id, scopes: ["account:read"] });
    expect((await callTool(carols.token, "whoami")).status).toBe(200);
    await setUserDisabled(carol.id, true, CLI_CONTEXT);
    const disabled = await callTool(carols.token, "whoami");
    expect(disabled.status).toBe(401);
    // Disabling a user revokes their grants, and every token under them, in the same transaction.
    expect(await lastDecision()).toMatchObject({ reason: `denied: token ${carols.jti} was revoked` });
    expect(await db().grant.findUniqueOrThrow({ where: { id: carols.grantId } })).toMatchObject({ revokedReason: "user disabled" });
  });

  it("refuses a token of a revoked grant even when its jti was never recorded", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read"] });
    await db().accessToken.delete({ where: { jti: issued.jti } });
    await revokeGrant(issued.grantId, CLI_CONTEXT);
    expect((await callTool(issued.token, "whoami")).status).toBe(401);
    expect(await lastDecision()).toMatchObject({ reason: `denied: grant ${issued.grantId} was revoked` });
  });

  it("answers an unknown tool with the JSON-RPC unknown-tool error and records the denial", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read"] });
    const response = await callTool(issued.token, "drop_tables");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: rpcId, error: { code: -32602, message: "Unknown tool: drop_tables" } });
    expect(await lastDecision()).toMatchObject({ kind: "decision.deny", tool: "drop_tables", reason: "tool drop_tables does not exist" });
  });

  it("returns a tool's own failure as a tool error the model can read", async () => {
    const issued = await issueTestToken({ userId: admin.id, scopes: ["clients:read", "clients:write"] });
    const client = await connect(issued.token);
    const missing = await client.callTool({ name: "get_client", arguments: { client_id: "nope" } });
    expect(missing).toMatchObject({ isError: true, content: [{ type: "text", text: "No client has client_id nope" }] });
    const invalid = await client.callTool({ name: "suspend_client", arguments: { client_id: "x" } });
    expect(invalid).toMatchObject({ isError: true, content: [{ type: "text", text: expect.stringMatching(/^Invalid arguments for suspend_client: reason:/) }] });
    await client.close();
  });
});

describe("durable decision audit", () => {
  it("records exactly one decision per call for 200 concurrent calls, and the chain verifies", async () => {
    const issued = await issueTestToken({ userId: alice.id, scopes: ["account:read"] });
    const before = await db().auditEvent.count({ where: { kind: { startsWith: "decision." } } });
    const client = await connect(issued.token);
    const results = await Promise.all(Array.from({ length: 200 }, () => client.callTool({ name: "whoami", arguments: {} })));
    expect(results.every((r) => !r.isError)).toBe(true);
    expect(await db().auditEvent.count({ where: { kind: { startsWith: "decision." } } })).toBe(before + 200);
    expect(await db().auditEvent.count({ where: { kind: "decision.allow", detail: { path: ["jti"], equals: issued.jti } } })).toBe(200);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, firstBreak: null });
    await client.close();
  });

  it("refuses the call, without running the tool, when the decision cannot be written", async () => {
    const issued = await issueTestToken({ userId: admin.id, scopes: ["clients:write", "account:read"] });
    const victim = await issueTestToken({ userId: alice.id, scopes: ["account:read"] });
    const runs = vi.spyOn(findTool("suspend_client")!, "run");
    const errors = vi.spyOn(logger, "error").mockImplementation(() => {});
    await db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" ADD CONSTRAINT audit_unavailable CHECK (seq < 0) NOT VALID`);
    try {
      const response = await callTool(issued.token, "suspend_client", { client_id: victim.clientId, reason: "test" });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ id: rpcId, error: { code: -32012 } });
    } finally {
      await db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" DROP CONSTRAINT audit_unavailable`);
    }
    expect(runs).not.toHaveBeenCalled();
    expect(errors).toHaveBeenCalledWith("mcp decision could not be recorded; refusing the call", expect.objectContaining({ tool: "suspend_client" }));
    expect((await db().client.findUniqueOrThrow({ where: { id: victim.clientId } })).status).toBe("active");
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});

describe("transport hygiene", () => {
  let token: string;
  beforeAll(async () => {
    token = (await issueTestToken({ userId: alice.id, scopes: ["account:read"] })).token;
  });

  it("refuses a browser origin that is not allowed, and lets the console's own origin through with CORS", async () => {
    const evil = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { Authorization: `Bearer ${token}`, Origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ error: { code: -32000, message: "Forbidden: requests from origin https://evil.example are not accepted" } });
    expect(await lastDecision()).toMatchObject({ kind: "decision.deny", reason: "denied: origin https://evil.example is not allowed" });
    const own = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { Authorization: `Bearer ${token}`, Origin: ISSUER });
    expect(own.status).toBe(200);
    expect(own.headers.get("access-control-allow-origin")).toBe(ISSUER);
    expect(own.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
  });

  it("answers GET and DELETE 405 (no server-initiated stream, no sessions)", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await handleMcpRequest(new Request(RESOURCE, { method, headers: { Accept: "text/event-stream", Authorization: `Bearer ${token}` } }));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    }
  });

  it("limits the body to 1 MiB", async () => {
    const response = await post({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: { pad: "x".repeat(1024 * 1024) } } }, { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 } });
  });

  it.each([
    ["not JSON", "{nope", 400, -32700],
    ["a batch", JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "tools/list" }]), 400, -32600],
    // JSON-RPC 2.0 §5.1: valid JSON that is not a Request object is an invalid request, not a parse error.
    ["not JSON-RPC", JSON.stringify({ hello: "world" }), 400, -32600],
    ["not an object", "42", 400, -32600],
    ["a tools/call without a name", JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: {} }), 400, -32602],
    ["a tools/call naming no possible tool", JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "x".repeat(129) } }), 400, -32602],
    ["a tools/call with arguments that are not an object", JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "whoami", arguments: [1] } }), 400, -32602],
  ])("answers %s with a JSON-RPC error, never a 500", async (_what, body, status, code) => {
    const response = await post(body, { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code } });
  });

  it("refuses wrong media types and unknown protocol versions before deciding anything", async () => {
    const before = await db().auditEvent.count();
    const wrongAccept = await post({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami" } }, { Authorization: `Bearer ${token}`, Accept: "application/json" });
    expect(wrongAccept.status).toBe(406);
    const wrongVersion = await post({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami" } }, { Authorization: `Bearer ${token}`, "MCP-Protocol-Version": "1999-01-01" });
    expect(wrongVersion.status).toBe(400);
    expect(await wrongVersion.json()).toMatchObject({ id: 1, error: { code: -32022, data: { requested: "1999-01-01", supported: expect.arrayContaining(["2026-07-28", "2025-11-25"]) } } });
    expect(await db().auditEvent.count()).toBe(before);
  });

  it("negotiates older protocol versions the SDK supports", async () => {
    const response = await post(
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "old", version: "1" } } },
      { Authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: { protocolVersion: "2025-03-26", serverInfo: { name: "portcullis" } } });
  });
});
