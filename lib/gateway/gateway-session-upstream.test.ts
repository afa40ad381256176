import { CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, Client, PROTOCOL_VERSION_META_KEY, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { createRole } from "@/lib/roles/create-role";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";
import { startSessionUpstream, type SessionUpstream } from "@/test/support/upstreams";
import { gatewayRoute } from "@/test/support/gateway-route";

/**
 * An upstream that keeps sessions (a v2 SDK server of our own), behind /mcp/<name>, with the official v2 SDK client:
 * - `notifications/tools/list_changed` sent on the session's standalone GET stream, outside any call, refreshes
 *   Portcullis's mirror by itself — whichever kind of request opened the session — and the new and changed tools are
 *   held (DESIGN §10, tool pinning);
 * - `roots/list` asked by the upstream in the middle of a call reaches a 2026-07-28 caller that declared `roots` as an
 *   `input_required` round trip and its answer goes back to the upstream; a caller that did not declare it (or a
 *   2025-era one) has it refused to the upstream with -32601, at once.
 */
const ISSUER = "http://localhost:3999";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
const upstreams: SessionUpstream[] = [];

beforeAll(async () => {
  process.env.PORTCULLIS_GATEWAY_TIMEOUT_MS = "15000";
  reloadEnv();
  database = await openTestDatabase();
}, 60_000);
afterAll(async () => {
  await closeUpstreams();
  for (const upstream of upstreams) await upstream.stop();
  await database.close();
});

/** A registered session upstream on `port` at /mcp/<name>, a user who may call all its tools, and their token. */
async function serve(name: string, port: number) {
  const upstream = await startSessionUpstream(port);
  upstreams.push(upstream);
  await addUpstreamServer({ name, url: upstream.url, acceptAll: true }, CLI_CONTEXT);
  await createRole({ name: `${name.replace(/-/g, "_")}_user`, scopes: [`server:${name}`] }, CLI_CONTEXT);
  const user = await createUser({ email: `${name}@example.test`, name, roles: [`${name.replace(/-/g, "_")}_user`] }, CLI_CONTEXT);
  const token = (await issueTestToken({ userId: user.id, scopes: [`server:${name}`], allowedScopes: [`server:${name}`], resource: `${ISSUER}/mcp/${name}` })).token;
  return { upstream, userId: user.id, token };
}

async function connect(name: string, token: string, era: "legacy" | "modern", capabilities: Record<string, unknown> = {}) {
  const client = new Client({ name: "session-test", version: "1" }, { capabilities, ...(era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {}) });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${ISSUER}/mcp/${name}`), { fetch: gatewayRoute, requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

/** Waits for a condition that a background task (the mirror refresh) brings about; fails, naming it, if it never does. */
async function until(what: string, condition: () => Promise<boolean>, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const heldTools = async (name: string) => (await db().tool.findMany({ where: { serverName: name, state: "held" }, orderBy: { name: "asc" } })).map((t) => t.name);
const text = (result: unknown) => JSON.stringify((result as { content?: unknown }).content ?? result);

describe("notifications/tools/list_changed on the upstream session's standalone stream, outside any call", () => {
  it.each([
    ["a tool call", "announce-call", 5501, "tools/call", (client: Client) => client.callTool({ name: "greet", arguments: { name: "Ada" } })],
    ["a prompts/list request", "announce-prompts", 5502, "prompts/list", (client: Client) => client.listPrompts()],
  ])("refreshes the mirror without an admin when %s opened the session: the new and the changed tool are held", async (_, name, port, method, open) => {
    const { upstream, token } = await serve(name, port);
    const client = await connect(name, token, "legacy");
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["counted", "greet", "roots"]);
    // The caller's request makes Portcullis open its session to the upstream, which then opens its standalone stream.
    await open(client);
    await upstream.standaloneStreamOf(method);
    const sessionsBefore = upstream.seen.filter((h) => h["mcp-session-id"] === undefined).length;

    // No call is in flight: the announcement can only travel on the standalone stream.
    await upstream.announceToolChange();
    await until(`${name}'s new and changed tools are held`, async () => (await heldTools(name)).length === 2);
    expect(await heldTools(name)).toEqual([`${name}.added_outside_calls`, `${name}.greet`]);
    // The refresh read the upstream's tools on a session of its own.
    expect(upstream.seen.filter((h) => h["mcp-session-id"] === undefined).length).toBeGreaterThan(sessionsBefore);

    const listed = (await client.listTools()).tools.map((t) => t.name);
    expect(listed).toEqual(["counted", "roots"]);
    await expect(client.callTool({ name: "greet", arguments: { name: "Ada" } })).rejects.toThrow(/awaiting review/);
    await expect(client.callTool({ name: "added_outside_calls", arguments: {} })).rejects.toThrow(/awaiting review/);
    const held = await db().auditEvent.findFirstOrThrow({ where: { kind: "server.tool_held", detail: { path: ["server"], equals: name } }, orderBy: { seq: "desc" } });
    expect(held).toMatchObject({ actor: "system" });
    expect(held.reason).toContain(`added_outside_calls, greet of ${name} held`);
    await client.close();
  });
});

describe("roots/list from the upstream during a call", () => {
  let upstream: SessionUpstream;
  let token: string;
  let userId: string;
  const NAME = "rooted";

  beforeAll(async () => {
    ({ upstream, token, userId } = await serve(NAME, 5503));
  });

  const relayEvents = (since: bigint) => db().auditEvent.findMany({ where: { kind: "gateway.relay", seq: { gt: since } }, orderBy: { seq: "asc" } });
  const lastSeq = async () => (await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0n;

  it("is relayed to a 2026-07-28 caller that declared roots, as an input_required round trip; its answer reaches the upstream", async () => {
    const since = await lastSeq();
    const client = await connect(NAME, token, "modern", { roots: {} });
    const asked: unknown[] = [];
    client.setRequestHandler("roots/list", async (request) => {
      asked.push(request.params ?? {});
      return { roots: [{ uri: "file:///work/project", name: "project" }] };
    });
    const result = await client.callTool({ name: "roots", arguments: {} });
    await client.close();

    expect(asked).toHaveLength(1);
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain("file:///work/project");
    expect(upstream.rootsAnswers.at(-1)).toEqual({ roots: [{ uri: "file:///work/project", name: "project" }] });
    const events = await relayEvents(since);
    expect(events.map((e) => (e.detail as { outcome: string }).outcome)).toEqual(["relayed", "answered"]);
    expect(events[0]).toMatchObject({ decision: "allow", tool: `${NAME}.roots`, subject: userId });
    expect(Object.values((events[0].detail as { methods: Record<string, string> }).methods)).toEqual(["roots/list"]);
    // Two rounds, each its own recorded decision; the call's outcome is recorded once, on the last.
    const decisions = await db().auditEvent.findMany({ where: { kind: "decision.allow", tool: `${NAME}.roots`, seq: { gt: since } }, orderBy: { seq: "asc" } });
    expect(decisions).toHaveLength(2);
    const outcomes = await db().auditEvent.findMany({ where: { kind: "gateway.call", tool: `${NAME}.roots`, seq: { gt: since } } });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ requestId: decisions[1].requestId, detail: { outcome: "ok" } });
  });

  it("reaches the caller as inputRequests with the upstream's own method; the retry with requestState brings the answer back", async () => {
    const call = async (id: number, extra: Record<string, unknown> = {}) => {
      const response = await gatewayRoute(`${ISSUER}/mcp/${NAME}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "roots" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: {
            name: "roots",
            arguments: {},
            _meta: { [PROTOCOL_VERSION_META_KEY]: "2026-07-28", [CLIENT_INFO_META_KEY]: { name: "raw", version: "1" }, [CLIENT_CAPABILITIES_META_KEY]: { roots: {} } },
            ...extra,
          },
        }),
      });
      const raw = await response.text();
      const body = response.headers.get("content-type")?.includes("text/event-stream") ? JSON.parse(raw.split("\n").filter((l) => l.startsWith("data: ")).at(-1)!.slice(6)) : JSON.parse(raw);
      return { status: response.status, body };
    };
    const first = await call(1);
    expect(first.status).toBe(200);
    expect(first.body.result).toMatchObject({ resultType: "input_required", requestState: expect.stringMatching(/^pcx_/) });
    const [[key, request]] = Object.entries(first.body.result.inputRequests);
    expect(request).toEqual({ method: "roots/list" });
    const done = await call(2, { requestState: first.body.result.requestState, inputResponses: { [key]: { roots: [{ uri: "file:///srv/by-hand" }] } } });
    expect(done.status).toBe(200);
    expect(JSON.stringify(done.body.result)).toContain("file:///srv/by-hand");
    expect(upstream.rootsAnswers.at(-1)).toEqual({ roots: [{ uri: "file:///srv/by-hand" }] });
  });

  it.each([
    ["a 2026-07-28 caller that did not declare roots", "modern" as const, {}, "the caller did not declare the roots capability"],
    ["a 2025-era caller, whatever it declared", "legacy" as const, { roots: {} }, "2025-era revision"],
  ])("is refused to the upstream with -32601 for %s — at once, never asked, recorded", async (_, era, capabilities, why) => {
    const since = await lastSeq();
    const client = await connect(NAME, token, era, capabilities);
    let asked = false;
    if ("roots" in capabilities) client.setRequestHandler("roots/list", async () => ((asked = true), { roots: [] }));
    const answers = upstream.rootsAnswers.length;
    const result = await client.callTool({ name: "roots", arguments: {} });
    await client.close();

    expect(asked).toBe(false);
    expect(upstream.rootsAnswers.slice(answers)).toEqual([{ error: { code: -32601, message: expect.stringContaining("Portcullis cannot relay roots/list to the caller") } }]);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("roots refused: -32601");
    const events = await relayEvents(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ decision: "deny", tool: `${NAME}.roots`, detail: { server: NAME, outcome: "refused", method: "roots/list" } });
    expect(events[0].reason).toContain(why);
  });
});
