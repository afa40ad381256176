import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { findTool } from "@/lib/mcp/tools";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/**
 * MCP 2026-07-28 on the wire, request by request: the per-request `_meta` envelope, the mirrored headers checked
 * against the body before anything is decided, the revision's own error codes, result `_meta`, and trace context
 * carried into the audit. 2025-era traffic on the same URL is covered by handle-mcp-request.test.ts.
 */
const ISSUER = "http://localhost:3999";
const RESOURCE = `${ISSUER}/mcp`;
const METADATA = `${ISSUER}/.well-known/oauth-protected-resource/mcp`;
const MODERN = "2026-07-28";
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: { id: string };
let token: string;
let narrowToken: string;

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  alice = await createUser({ email: "alice@example.test", name: "Alice", roles: ["editor"] }, CLI_CONTEXT);
  token = (await issueTestToken({ userId: alice.id, scopes: ["account:read", "clients:read"] })).token;
  narrowToken = (await issueTestToken({ userId: alice.id, scopes: ["account:read", "offline_access"] })).token;
});
afterAll(() => database.close());
beforeEach(() => vi.restoreAllMocks());

const envelope = (extra: Record<string, unknown> = {}) => ({
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "vitest", version: "1" },
  ...extra,
});

let rpcId = 0;
function post(body: unknown, headers: Record<string, string | undefined> = {}, bearer: string | null = token): Promise<Response> {
  const all: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
  if (bearer) all.Authorization = `Bearer ${bearer}`;
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) all[name] = value;
  for (const [name, value] of Object.entries(headers)) if (value === undefined) delete all[name];
  return handleMcpRequest(new Request(RESOURCE, { method: "POST", headers: all, body: JSON.stringify(body) }));
}

/** A well-formed 2026-07-28 request: envelope in `_meta`, and the three mirrored headers. */
function modern(method: string, params: Record<string, unknown> = {}, headers: Record<string, string | undefined> = {}, bearer: string | null = token) {
  const name = typeof params.name === "string" ? params.name : undefined;
  return post(
    { jsonrpc: "2.0", id: ++rpcId, method, params: { ...params, _meta: { ...envelope(), ...(params._meta as object) } } },
    { "MCP-Protocol-Version": MODERN, "Mcp-Method": method, ...(name ? { "Mcp-Name": name } : {}), ...headers },
    bearer,
  );
}

async function decisionCount() {
  return db().auditEvent.count({ where: { kind: { startsWith: "decision." } } });
}

async function lastDecision() {
  return db().auditEvent.findFirstOrThrow({ where: { kind: { startsWith: "decision." } }, orderBy: { seq: "desc" } });
}

describe("a 2026-07-28 request is served statelessly", () => {
  it("answers server/discover with the revisions served and the server's identity in result _meta", async () => {
    const response = await modern("server/discover");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.result.supportedVersions).toContain(MODERN);
    expect(body.result.capabilities).toMatchObject({ tools: {} });
    expect(body.result._meta["io.modelcontextprotocol/serverInfo"]).toMatchObject({ name: "portcullis" });
  });

  it("lists only the tools the current policy lets this caller call, in a stable order, with the revision's cache fields", async () => {
    const response = await modern("tools/list");
    expect(response.status).toBe(200);
    const { result } = await response.json();
    expect(result.tools.map((t: { name: string }) => t.name)).toEqual(["get_client", "list_clients", "whoami"]);
    expect(result).toMatchObject({ resultType: "complete", ttlMs: 0, cacheScope: "private" });
  });

  it("decides a tools/call on the body, records the revision and the trace context, then runs the tool", async () => {
    const runs = vi.spyOn(findTool("whoami")!, "run");
    const debug = vi.spyOn(logger, "debug");
    const response = await modern("tools/call", { name: "whoami", arguments: {}, _meta: { traceparent: TRACEPARENT, tracestate: "vendor=abc" } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.result).toMatchObject({ resultType: "complete", structuredContent: { user: { id: alice.id } } });
    expect(body.result._meta["io.modelcontextprotocol/serverInfo"]).toMatchObject({ name: "portcullis" });
    expect(runs).toHaveBeenCalledOnce();
    const event = await lastDecision();
    expect(event).toMatchObject({ kind: "decision.allow", tool: "whoami" });
    expect(event.detail).toMatchObject({ method: "tools/call", protocolEra: "modern", protocolVersion: MODERN, traceparent: TRACEPARENT, tracestate: "vendor=abc" });
    expect(debug).toHaveBeenCalledWith("mcp request", expect.objectContaining({ method: "tools/call", tool: "whoami", protocolEra: "modern", traceparent: TRACEPARENT, status: 200 }));
  });

  it("takes the trace context from the HTTP headers when _meta has none, and drops a malformed one", async () => {
    await modern("tools/call", { name: "whoami", arguments: {} }, { traceparent: TRACEPARENT });
    expect((await lastDecision()).detail).toMatchObject({ traceparent: TRACEPARENT });
    await modern("tools/call", { name: "whoami", arguments: {}, _meta: { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" } });
    expect((await lastDecision()).detail).not.toHaveProperty("traceparent");
  });

  it("accepts an Mcp-Name carried in the =?base64?…?= form once decoded", async () => {
    const response = await modern("tools/call", { name: "whoami", arguments: {} }, { "Mcp-Name": `=?base64?${Buffer.from("whoami").toString("base64")}?=` });
    expect(response.status).toBe(200);
  });

  it("answers a modern notification 202", async () => {
    const response = await post(
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, _meta: envelope() } },
      { "MCP-Protocol-Version": MODERN, "Mcp-Method": "notifications/cancelled" },
    );
    expect(response.status).toBe(202);
  });
});

describe("a step-up challenge lists the scopes the call needs", () => {
  it("challenges a 2026-07-28 call with exactly the tool's scope: the client unions it with what it holds", async () => {
    const response = await modern("tools/call", { name: "list_clients", arguments: {} }, {}, narrowToken);
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", scope="clients:read", resource_metadata="${METADATA}", error_description="The list_clients tool requires the clients:read scope"`,
    );
    expect(await lastDecision()).toMatchObject({ kind: "decision.deny", tool: "list_clients", detail: expect.objectContaining({ protocolEra: "modern", check: "token_scope" }) });
  });

  it("challenges a 2025-era call with what the token holds as well, never offline_access", async () => {
    const response = await post(
      { jsonrpc: "2.0", id: ++rpcId, method: "tools/call", params: { name: "list_clients", arguments: {} } },
      { "MCP-Protocol-Version": "2025-11-25" },
      narrowToken,
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('scope="account:read clients:read"');
  });
});

describe("headers that disagree with the body are refused before any decision (400, -32020)", () => {
  it.each([
    ["Mcp-Method naming another method", "tools/call", { "Mcp-Method": "tools/list" }, /Mcp-Method header names tools\/list/],
    ["Mcp-Name naming an allowed tool while the body calls a forbidden one", "tools/call", { "Mcp-Name": "whoami" }, /params\.name "approve_client" but the Mcp-Name header names "whoami"/],
    ["MCP-Protocol-Version naming a 2025 revision", "tools/call", { "MCP-Protocol-Version": "2025-11-25" }, /MCP-Protocol-Version header names 2025-11-25/],
    ["no MCP-Protocol-Version", "tools/call", { "MCP-Protocol-Version": undefined }, /required MCP-Protocol-Version header is absent/],
    ["no Mcp-Method", "tools/call", { "Mcp-Method": undefined }, /required Mcp-Method header is absent/],
    ["no Mcp-Name on a tools/call", "tools/call", { "Mcp-Name": undefined }, /required Mcp-Name header is absent/],
    ["an Mcp-Name that is not valid base64", "tools/call", { "Mcp-Name": "=?base64?***?=" }, /invalid =\?base64\?…\?= value/],
  ])("%s", async (_what, method, headers, message) => {
    const runs = vi.spyOn(findTool("approve_client")!, "run");
    const before = await decisionCount();
    const response = await modern(method, { name: "approve_client", arguments: { client_id: "x" } }, headers);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ jsonrpc: "2.0", id: rpcId, error: { code: -32020, message: expect.stringMatching(message) } });
    expect(runs).not.toHaveBeenCalled();
    expect(await decisionCount()).toBe(before);
  });

  it("holds a 2025-era request that sends the mirrored headers to the same rule", async () => {
    const before = await decisionCount();
    const response = await post(
      { jsonrpc: "2.0", id: ++rpcId, method: "tools/call", params: { name: "approve_client", arguments: { client_id: "x" } } },
      { "MCP-Protocol-Version": "2025-11-25", "Mcp-Name": "whoami" },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ id: rpcId, error: { code: -32020 } });
    const method = await post({ jsonrpc: "2.0", id: ++rpcId, method: "tools/call", params: { name: "whoami", arguments: {} } }, { "Mcp-Method": "tools/list" });
    expect(method.status).toBe(400);
    expect(await method.json()).toMatchObject({ error: { code: -32020 } });
    expect(await decisionCount()).toBe(before);
  });

  it("refuses an initialize sent with a 2026-07-28 header", async () => {
    const response = await post(
      { jsonrpc: "2.0", id: ++rpcId, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "x", version: "1" } } },
      { "MCP-Protocol-Version": MODERN },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32020 } });
  });
});

describe("versions this endpoint does not serve, and a modern request without its _meta version", () => {
  it.each([
    ["an unknown version in _meta", { "io.modelcontextprotocol/protocolVersion": "2099-01-01" }, { "MCP-Protocol-Version": undefined }, "2099-01-01", [MODERN]],
    // What server/discover lists (the conformance suite checks the two agree): a client on this wire retries with these.
    ["an unknown version in _meta and header", { "io.modelcontextprotocol/protocolVersion": "2099-01-01" }, { "MCP-Protocol-Version": "2099-01-01" }, "2099-01-01", [MODERN]],
    ["a 2025 version in the _meta envelope", { "io.modelcontextprotocol/protocolVersion": "2025-11-25" }, { "MCP-Protocol-Version": "2025-11-25" }, "2025-11-25", [MODERN]],
    ["an unknown version in the header", {}, { "MCP-Protocol-Version": "2026-13-45" }, "2026-13-45", [MODERN]],
  ])("refuses %s 400 with -32022 listing what is served", async (_what, meta, headers, requested, supported) => {
    const before = await decisionCount();
    const response = await modern("tools/call", { name: "whoami", arguments: {}, _meta: meta }, headers);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ id: rpcId, error: { code: -32022, data: { requested, supported } } });
    expect(await decisionCount()).toBe(before);
  });

  it("lists every served version, the 2025-era ones included, to a 2025-era request with an unknown header version", async () => {
    const response = await post({ jsonrpc: "2.0", id: ++rpcId, method: "tools/list", params: {} }, { "MCP-Protocol-Version": "2026-13-45" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      id: rpcId,
      error: { code: -32022, data: { requested: "2026-13-45", supported: expect.arrayContaining([MODERN, "2025-11-25", "2025-06-18", "2025-03-26"]) } },
    });
  });

  it("refuses a 2026-07-28 header on a body without the _meta version 400 with -32602", async () => {
    const before = await decisionCount();
    const response = await post(
      { jsonrpc: "2.0", id: ++rpcId, method: "tools/call", params: { name: "whoami", arguments: {}, _meta: { "io.modelcontextprotocol/clientCapabilities": {} } } },
      { "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "whoami" },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ id: rpcId, error: { code: -32602, message: expect.stringContaining("io.modelcontextprotocol/protocolVersion") } });
    expect(await decisionCount()).toBe(before);
  });

  it("refuses a malformed envelope (no client capabilities) 400 with -32602", async () => {
    const response = await post(
      { jsonrpc: "2.0", id: ++rpcId, method: "tools/list", params: { _meta: { "io.modelcontextprotocol/protocolVersion": MODERN } } },
      { "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list" },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32602, message: expect.stringContaining("io.modelcontextprotocol/clientCapabilities") } });
  });

  it("still asks for a token first: a 2026-07-28 request without one is a 401 whatever its headers say", async () => {
    const response = await modern("tools/call", { name: "whoami", arguments: {}, _meta: { traceparent: TRACEPARENT } }, { "Mcp-Name": "list_clients" }, null);
    expect(response.status).toBe(401);
    expect(await lastDecision()).toMatchObject({ kind: "decision.deny", actor: "anonymous", detail: expect.objectContaining({ traceparent: TRACEPARENT }) });
  });
});
