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
import { startEverything, startOwnUpstream, type RunningUpstream } from "@/test/support/upstreams";
import { gatewayRoute } from "@/test/support/gateway-route";

/**
 * What an upstream sends during a call reaches the caller as it happens, through the real SDK client: progress under
 * the caller's own token over its SSE response (2025-era and 2026-07-28 callers), and requests back — elicitation,
 * sampling, roots — relayed to a 2026-07-28 caller that declared the capability (multi round-trip: `input_required`,
 * then the caller's answer goes back upstream), or refused to the upstream with a clear JSON-RPC error otherwise, never
 * left hanging. Every relay, refusal and answer is a `gateway.relay` event linked to the call's decision.
 * The upstream is the real `@modelcontextprotocol/server-everything` (its own session, SDK v1).
 */
const ISSUER = "http://localhost:3999";
const SERVER = "everything";
const PORT = 5161;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let everything: RunningUpstream;
let token: string;
let userId: string;

beforeAll(async () => {
  process.env.PORTCULLIS_GATEWAY_TIMEOUT_MS = "8000";
  reloadEnv();
  database = await openTestDatabase();
  everything = await startEverything(PORT);
  await addUpstreamServer({ name: SERVER, url: everything.url, acceptAll: true }, CLI_CONTEXT);
  await createRole({ name: "relay_user", scopes: ["server:everything"] }, CLI_CONTEXT);
  userId = (await createUser({ email: "relay@example.test", name: "Relay", roles: ["relay_user"] }, CLI_CONTEXT)).id;
  token = (await issueTestToken({ userId, scopes: ["server:everything"], allowedScopes: ["server:everything"], resource: `${ISSUER}/mcp/${SERVER}` })).token;
}, 60_000);
afterAll(async () => {
  await closeUpstreams();
  await everything?.stop();
  await database.close();
});

type Era = "legacy" | "modern";
async function connect(era: Era, capabilities: Record<string, unknown> = {}) {
  const client = new Client({ name: "relay-test", version: "1" }, { capabilities, ...(era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {}) });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${ISSUER}/mcp/${SERVER}`), { fetch: gatewayRoute, requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

async function relayEvents(since: bigint) {
  return db().auditEvent.findMany({ where: { kind: "gateway.relay", seq: { gt: since } }, orderBy: { seq: "asc" } });
}
async function lastSeq() {
  return (await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0n;
}
const text = (result: unknown) => JSON.stringify((result as { content?: unknown }).content ?? result);

describe.each(["legacy", "modern"] as const)("progress from server-everything, %s caller", (era) => {
  it("arrives over the caller's SSE response as the upstream sends it, under the caller's own token", async () => {
    const client = await connect(era);
    const seen: Array<{ progress: number; total?: number; at: number }> = [];
    const started = Date.now();
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 1.2, steps: 3 } },
      { onprogress: (p) => seen.push({ progress: p.progress, total: p.total, at: Date.now() - started }) },
    );
    const ended = Date.now() - started;
    expect(text(result)).toContain("Long running operation completed");
    expect(seen.map((p) => [p.progress, p.total])).toEqual([[1, 3], [2, 3], [3, 3]]);
    // Relayed as they happened (about 400 ms apart), not buffered to the end of the call.
    expect(seen[2].at - seen[0].at).toBeGreaterThan(500);
    expect(ended - seen[0].at).toBeGreaterThan(500);
    await client.close();
    const outcome = await db().auditEvent.findFirst({ where: { kind: "gateway.call", tool: "everything.trigger-long-running-operation" }, orderBy: { seq: "desc" } });
    expect(outcome?.detail).toMatchObject({ server: SERVER, outcome: "ok" });
  });
});

describe("requests back from the upstream during a call", () => {
  it("elicitation is relayed to a 2026-07-28 caller that declared it, and its answer goes back upstream", async () => {
    const since = await lastSeq();
    const client = await connect("modern", { elicitation: { form: {} } });
    const asked: unknown[] = [];
    client.setRequestHandler("elicitation/create", async (request) => {
      asked.push(request.params);
      return { action: "accept", content: { name: "Ada Lovelace", check: true, email: "ada@example.test", integer: 7 } };
    });
    const result = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(asked).toHaveLength(1);
    expect(JSON.stringify(asked[0])).toContain("Please provide inputs");
    expect(text(result)).toContain("Ada Lovelace");
    await client.close();

    const events = await relayEvents(since);
    expect(events.map((e) => (e.detail as { outcome: string }).outcome)).toEqual(["relayed", "answered"]);
    expect(events[0]).toMatchObject({ decision: "allow", tool: "everything.trigger-elicitation-request", subject: userId });
    expect(Object.values((events[0].detail as { methods: Record<string, string> }).methods)).toEqual(["elicitation/create"]);
    expect(Object.values((events[1].detail as { actions: Record<string, string> }).actions)).toEqual(["accept"]);
    // Each round is its own decision, recorded before anything was forwarded; the relay events share their request ids.
    const decisions = await db().auditEvent.findMany({ where: { kind: "decision.allow", tool: "everything.trigger-elicitation-request", seq: { gt: since } }, orderBy: { seq: "asc" } });
    expect(decisions).toHaveLength(2);
    expect(events.map((e) => e.requestId)).toEqual(decisions.map((d) => d.requestId));
    expect(decisions[0].seq < events[0].seq && events[0].seq < decisions[1].seq && decisions[1].seq < events[1].seq).toBe(true);
  });

  it.each([
    ["a 2026-07-28 caller that did not declare sampling", "modern" as Era, {}, "the caller did not declare the sampling capability"],
    ["a 2025-era caller, whatever it declared", "legacy" as Era, { sampling: {} }, "2025-era revision"],
  ])("sampling is refused to the upstream for %s — a clear JSON-RPC error, no hang, recorded", async (_, era, capabilities, why) => {
    const since = await lastSeq();
    const client = await connect(era, capabilities);
    let asked = false;
    if ("sampling" in capabilities) client.setRequestHandler("sampling/createMessage", async () => ((asked = true), { role: "assistant", content: { type: "text", text: "no" }, model: "x" }));
    const started = Date.now();
    const outcome = await client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "hi", maxTokens: 5 } }).then(
      (result) => ({ result }),
      (error: Error) => ({ error }),
    );
    // The upstream heard "no" at once: well inside the per-upstream timeout (8 s here).
    expect(Date.now() - started).toBeLessThan(4000);
    expect(asked).toBe(false);
    // server-everything lets the refusal surface as a tool error.
    expect(JSON.stringify(outcome)).toContain("Portcullis cannot relay sampling/createMessage to the caller");
    await client.close();
    const events = await relayEvents(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ decision: "deny", tool: "everything.trigger-sampling-request" });
    expect(events[0].reason).toContain(why);
    expect(events[0].detail).toMatchObject({ server: SERVER, outcome: "refused", method: "sampling/createMessage" });
  });

  it("a parked call resumes only for its own caller, tool and arguments", async () => {
    const other = await createUser({ email: "relay-other@example.test", name: "Other", roles: ["relay_user"] }, CLI_CONTEXT);
    const otherToken = (await issueTestToken({ userId: other.id, scopes: ["server:everything"], allowedScopes: ["server:everything"], resource: `${ISSUER}/mcp/${SERVER}` })).token;
    const modernCall = async (bearer: string, id: number, extra: Record<string, unknown> = {}, args: Record<string, unknown> = {}) => {
      const response = await gatewayRoute(`${ISSUER}/mcp/${SERVER}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "trigger-elicitation-request" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: {
            name: "trigger-elicitation-request",
            arguments: args,
            _meta: { [PROTOCOL_VERSION_META_KEY]: "2026-07-28", [CLIENT_INFO_META_KEY]: { name: "raw", version: "1" }, [CLIENT_CAPABILITIES_META_KEY]: { elicitation: { form: {} } } },
            ...extra,
          },
        }),
      });
      const raw = await response.text();
      const body = response.headers.get("content-type")?.includes("text/event-stream") ? JSON.parse(raw.split("\n").filter((l) => l.startsWith("data: ")).at(-1)!.slice(6)) : JSON.parse(raw);
      return { status: response.status, body };
    };
    const first = await modernCall(token, 1);
    expect(first.status).toBe(200);
    expect(first.body.result).toMatchObject({ resultType: "input_required", requestState: expect.stringMatching(/^pcx_/) });
    const [key] = Object.keys(first.body.result.inputRequests);
    const retry = { requestState: first.body.result.requestState, inputResponses: { [key]: { action: "accept", content: { name: "Grace Hopper", check: true, integer: 9 } } } };

    // Another user holding the same scope, and the same user with other arguments, cannot take it over.
    expect(await modernCall(otherToken, 2, retry)).toMatchObject({ status: 400, body: { error: { code: -32602, data: { outcome: "unknown_state" } } } });
    expect(await modernCall(token, 3, retry, { sneaky: true })).toMatchObject({ status: 400, body: { error: { code: -32602 } } });
    // Its own caller resumes it: the answer reaches the upstream, the result comes back.
    const done = await modernCall(token, 4, retry);
    expect(done.status).toBe(200);
    expect(JSON.stringify(done.body.result)).toContain("Grace Hopper");
  });

  it("a retry naming a requestState that is not waiting here is a clear 400, recorded", async () => {
    const since = await lastSeq();
    const response = await gatewayRoute(`${ISSUER}/mcp/${SERVER}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "echo", arguments: { message: "x" }, requestState: "pcx_forged", inputResponses: {} } }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ id: 9, error: { code: -32602, data: { outcome: "unknown_state" } } });
    expect(body.error.message).toContain("requestState names no call waiting");
    expect((await relayEvents(since)).map((e) => (e.detail as { outcome: string }).outcome)).toEqual(["unknown_state"]);
  });
});

describe("notifications/tools/list_changed from the upstream", () => {
  it("refreshes the mirror without an admin: the new tool and the changed one are held, not listed, not callable", async () => {
    const own = await startOwnUpstream(5162);
    try {
      await addUpstreamServer({ name: "evolving", url: own.url, acceptAll: true }, CLI_CONTEXT);
      await createRole({ name: "evolving_user", scopes: ["server:evolving"] }, CLI_CONTEXT);
      const user = await createUser({ email: "evolving@example.test", name: "Evolving", roles: ["evolving_user"] }, CLI_CONTEXT);
      const ownToken = (await issueTestToken({ userId: user.id, scopes: ["server:evolving"], allowedScopes: ["server:evolving"], resource: `${ISSUER}/mcp/evolving` })).token;
      const client = new Client({ name: "relay-test", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${ISSUER}/mcp/evolving`), { fetch: gatewayRoute, requestInit: { headers: { Authorization: `Bearer ${ownToken}` } } }));
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("greet");

      // The upstream changes and announces it on the call's own stream; nobody presses "refresh".
      expect(text(await client.callTool({ name: "evolve", arguments: {} }))).toContain("evolved");
      const held = async () => (await db().tool.findMany({ where: { serverName: "evolving", state: "held" }, orderBy: { name: "asc" } })).map((t) => t.name);
      for (let waited = 0; waited < 10_000 && (await held()).length < 2; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await held()).toEqual(["evolving.added_later", "evolving.greet"]);

      const listed = (await client.listTools()).tools.map((t) => t.name);
      expect(listed).not.toContain("added_later");
      expect(listed).not.toContain("greet");
      await expect(client.callTool({ name: "greet", arguments: { name: "Ada" } })).rejects.toThrow(/awaiting review/);
      const events = await db().auditEvent.findMany({ where: { kind: "server.tool_held", actor: "system" }, orderBy: { seq: "desc" }, take: 1 });
      expect(events[0]?.reason).toContain("added_later, greet of evolving held");
      await client.close();
    } finally {
      await own.stop();
    }
  });
});
