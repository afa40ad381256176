import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { createRole } from "@/lib/roles/create-role";
import { setRoleScopes } from "@/lib/roles/set-role-scopes";
import { assignRole } from "@/lib/users/assign-role";
import { issueTestToken } from "@/test/support/mcp";
import { startEverything, startOwnUpstream } from "@/test/support/upstreams";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectJsonRpcError, expectOAuthError, send } from "./http";

// Upstreams these cases start, in this process: ephemeral ports, and server-everything on one of ours.
const EVERYTHING_PORT = 5172;
// The server learns of registry changes made by this process from its change watcher (about a second).
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

/**
 * A hostile upstream that speaks just enough MCP (2025-11-25, JSON answers) to be registered, and lists whatever tools
 * it is given — names the specification forbids, the same name twice, thousands.
 */
async function startListingUpstream(tools: Array<{ name: string }>): Promise<{ url: string; stop(): Promise<void> }> {
  const http: HttpServer = createServer(async (req, res) => {
    if (req.method !== "POST") return void res.writeHead(405).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const message = JSON.parse(Buffer.concat(chunks).toString() || "{}") as { id?: number; method?: string };
    if (message.id === undefined) return void res.writeHead(202).end();
    const result =
      message.method === "initialize"
        ? { protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: { name: "hostile-lister", version: "1" } }
        : message.method === "tools/list"
          ? { tools: tools.map((t) => ({ ...t, description: "listed", inputSchema: { type: "object" } })) }
          : {};
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: message.id, result }));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    stop: () => new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }),
  };
}

/**
 * The gateway's bad input that the Gateway area does not already cover (issue 15, "Bad input"), and the relay of what
 * an upstream sends during a call: an upstream listing invalid, colliding or thousands of tools; a server down at call
 * time; a forged multi round-trip `requestState`; a device authorization for an unregistered server; an upstream asking
 * a caller that cannot answer.
 */
export function attacks({ fx }: AttackDeps): AttackArea {
  const granted = new Set<string>();
  let roleReady: Promise<void> | undefined;
  /** Registers `name` at `url` (tools accepted) and a token for it, as the developer through a client of its own. */
  const registered = async (name: string, url: string) => {
    const added = await addUpstreamServer({ name, url, acceptAll: true }, CLI_CONTEXT);
    await (roleReady ??= createRole({ name: "gateway_relay_attack", description: "attack suite" }, CLI_CONTEXT).then(() => assignRole(fx.users.developer.id, "gateway_relay_attack", CLI_CONTEXT)));
    granted.add(added.scope);
    await setRoleScopes("gateway_relay_attack", [...granted], CLI_CONTEXT);
    const { token } = await issueTestToken({ userId: fx.users.developer.id, scopes: [added.scope], allowedScopes: [added.scope], resource: `${env().issuer}/mcp/${name}` });
    await settle();
    return { added, token };
  };
  const call = (name: string, token: string, tool: string, params: Record<string, unknown> = {}) =>
    send(`${fx.base}/mcp/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25", authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: tool, arguments: {}, ...params } }),
    });

  return {
    name: "Gateway relay",
    cases: [
      attack("an upstream that lists tools with invalid names and the same name twice", "registered with only the valid tools, the rest skipped and reported", async () => {
        const lister = await startListingUpstream([{ name: "fine" }, { name: "has space" }, { name: "semi;colon" }, { name: "x".repeat(200) }, { name: "fine" }]);
        const added = await addUpstreamServer({ name: "lister", url: lister.url, acceptAll: true }, CLI_CONTEXT).finally(lister.stop);
        const mirrored = (await db().tool.findMany({ where: { serverName: "lister" } })).map((t) => t.upstreamName);
        demand(JSON.stringify(mirrored) === JSON.stringify(["fine"]), `mirrored ${JSON.stringify(mirrored)}`);
        demand(added.skipped.filter((s) => s.includes("not a valid tool name")).length === 3, `invalid names not all reported: ${JSON.stringify(added.skipped)}`);
        demand(added.skipped.some((s) => s.includes("listed more than once")), `the collision is not reported: ${JSON.stringify(added.skipped)}`);
      }),
      attack("an upstream that lists thousands of tools", "at most PORTCULLIS_GATEWAY_MAX_TOOLS mirrored, the rest reported", async () => {
        const { maxTools } = env().gateway;
        const flood = await startListingUpstream(Array.from({ length: maxTools + 2_500 }, (_, i) => ({ name: `t${i}` })));
        const added = await addUpstreamServer({ name: "flood", url: flood.url, acceptAll: true }, CLI_CONTEXT).finally(flood.stop);
        const count = await db().tool.count({ where: { serverName: "flood" } });
        demand(count === maxTools, `${count} tools mirrored, bound ${maxTools}`);
        demand(added.skipped.some((s) => s.includes(`more than ${maxTools} tools`)), `the bound is not reported: ${JSON.stringify(added.skipped)}`);
      }),
      attack("call a server that has gone down", "503 JSON-RPC error with Retry-After; the decision and the failed outcome recorded", async () => {
        const own = await startOwnUpstream(0);
        const { token } = await registered("gone", own.url);
        await own.stop();
        const reply = await call("gone", token, "greet", { arguments: { name: "x" } });
        const error = expectJsonRpcError(reply, 503, -32012);
        demand(reply.headers.get("retry-after") === "1" && error.message.includes("could not be reached"), `not a clear 503: ${reply}`);
        const [decision, outcome] = await Promise.all([
          db().auditEvent.findFirst({ where: { kind: "decision.allow", tool: "gone.greet" }, orderBy: { seq: "desc" } }),
          db().auditEvent.findFirst({ where: { kind: "gateway.call", tool: "gone.greet" }, orderBy: { seq: "desc" } }),
        ]);
        demand(decision && outcome && decision.seq < outcome.seq, "the decision was not recorded before the failed outcome");
        demand(outcome!.decision === "deny" && (outcome!.detail as { outcome?: string }).outcome === "unreachable" && outcome!.reason?.includes("could not be reached"), `outcome not recorded with its reason: ${outcome?.reason} ${JSON.stringify(outcome?.detail)}`);
      }),
      attack("resume a multi round-trip call with a forged requestState", "400 -32602, nothing forwarded upstream, recorded", async () => {
        const own = await startOwnUpstream(0);
        const { token } = await registered("forge", own.url).catch(async (error) => { await own.stop(); throw error; });
        const before = own.seen.length;
        const reply = await call("forge", token, "greet", { arguments: { name: "x" }, requestState: "pcx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", inputResponses: { elicitation_create_1: { action: "accept", content: {} } } }).finally(own.stop);
        const error = expectJsonRpcError(reply, 400, -32602);
        demand(error.message.includes("requestState names no call waiting"), `refused for another reason: ${error.message}`);
        demand(own.seen.length === before, "the forged resume reached the upstream");
        const event = await db().auditEvent.findFirst({ where: { kind: "gateway.relay", tool: "forge.greet" }, orderBy: { seq: "desc" } });
        demand((event?.detail as { outcome?: string } | undefined)?.outcome === "unknown_state", "the refusal was not recorded");
      }),
      attack("start a device authorization for an unregistered /mcp/<name>", "400 invalid_target (a registered one is accepted)", async () => {
        const own = await startOwnUpstream(0);
        try {
          await registered("devgw", own.url);
          const device = (resource: string) =>
            send(`${fx.base}/oauth/device_authorization`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ client_id: fx.clients.other.id, resource }) });
          const control = await device(`${fx.base}/mcp/devgw`);
          demand(control.status === 200, `control: a registered server's resource is refused, so the case proves nothing: ${control}`);
          expectOAuthError(await device(`${fx.base}/mcp/not-registered`), 400, "invalid_target");
        } finally {
          await own.stop();
        }
      }),
      attack("an upstream asking a 2025-era caller for sampling in the middle of a call", "refused to the upstream at once with a JSON-RPC error (no hang), recorded; the caller is never asked", async () => {
        const everything = await startEverything(EVERYTHING_PORT);
        try {
          const { token } = await registered("asker", everything.url);
          const started = Date.now();
          const reply = await call("asker", token, "trigger-sampling-request", { arguments: { prompt: "hi", maxTokens: 5 } });
          demand(Date.now() - started < 5_000, `the call took ${Date.now() - started} ms: the upstream waited for an answer`);
          demand(reply.status === 200 && reply.text.includes("Portcullis cannot relay sampling/createMessage to the caller") && !reply.text.includes('"method":"sampling/createMessage"'), `not refused upstream as expected: ${reply}`);
          const event = await db().auditEvent.findFirst({ where: { kind: "gateway.relay", tool: "asker.trigger-sampling-request" }, orderBy: { seq: "desc" } });
          demand(event?.decision === "deny" && event.reason?.includes("2025-era"), `the refusal was not recorded: ${event?.decision} ${event?.reason}`);
        } finally {
          await everything.stop();
        }
      }),
    ],
  };
}
