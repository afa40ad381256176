import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectJsonRpcError, send, type Reply } from "./http";

const MODERN = "2026-07-28";
const envelope = (version = MODERN) => ({
  "io.modelcontextprotocol/protocolVersion": version,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "attacker", version: "1" },
});

/**
 * MCP revision 2026-07-28 at /mcp, with a valid token: requests whose mirrored headers (`MCP-Protocol-Version`,
 * `Mcp-Method`, `Mcp-Name`) say something other than the body — what an intermediary routing or filtering on the
 * headers would trust — and versions this endpoint does not serve. Each is refused 400 with the revision's JSON-RPC
 * error before any decision is recorded; the body alone is what gets decided.
 */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  let token: Promise<{ access: string; clientId: string }> | undefined;
  // A real token that may call whoami but not approve_client, and proof that a well-formed 2026-07-28 call is served.
  const valid = () =>
    (token ??= fx.freshTokens("account:read").then(async (t) => {
      const control = await call("whoami", {}, { authorization: `Bearer ${t.access_token}` });
      demand(control.status === 200 && control.json<{ result?: unknown }>()?.result, `the valid 2026-07-28 request was refused, so the cases prove nothing: ${control}`);
      return { access: t.access_token, clientId: fx.clients.app.id };
    }));

  const post = async (body: unknown, headers: Record<string, string | null>, auth?: Record<string, string>): Promise<Reply> => {
    const all: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream", ...(auth ?? { authorization: `Bearer ${(await valid()).access}` }) };
    for (const [name, value] of Object.entries(headers)) {
      if (value === null) delete all[name];
      else all[name] = value;
    }
    return send(`${fx.base}/mcp`, { method: "POST", headers: all, body: JSON.stringify(body) });
  };
  /** A 2026-07-28 tools/call whose headers mirror the body unless `headers` says otherwise. */
  const call = (name: string, meta: Record<string, unknown>, headers: Record<string, string | null>) =>
    post(
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: { client_id: "attack" }, _meta: { ...envelope(), ...meta } } },
      { "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": name, ...headers },
      headers.authorization ? { authorization: headers.authorization } : undefined,
    );

  /** Refused as `code`, and nothing about approve_client decided for this client: the refusal came before any decision. */
  const refusedBeforeDeciding = async (reply: Promise<Reply>, code: number) => {
    const { clientId } = await valid();
    const before = await database.countAudit({ kind: "decision.allow", clientId });
    const denials = await database.countAudit({ kind: "decision.deny", clientId });
    expectJsonRpcError(await reply, 400, code);
    demand((await database.countAudit({ kind: "decision.allow", clientId })) === before, "a decision.allow was recorded for the refused request");
    demand((await database.countAudit({ kind: "decision.deny", clientId })) === denials, "a decision was recorded for a request refused for its headers");
  };

  return {
    name: "MCP revision 2026-07-28",
    cases: [
      attack("Mcp-Name names an allowed tool while the body calls a forbidden one", "400 JSON-RPC -32020 (HeaderMismatch), no decision recorded", async () => {
        await refusedBeforeDeciding(call("approve_client", {}, { "mcp-name": "whoami" }), -32020);
      }),
      attack("the same on a 2025-era body (no _meta envelope)", "400 JSON-RPC -32020, no decision recorded", async () => {
        const body = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "approve_client", arguments: { client_id: "attack" } } };
        await refusedBeforeDeciding(post(body, { "mcp-protocol-version": "2025-11-25", "mcp-name": "whoami" }), -32020);
      }),
      attack("Mcp-Method says tools/list while the body calls a tool", "400 JSON-RPC -32020", async () => {
        await refusedBeforeDeciding(call("approve_client", {}, { "mcp-method": "tools/list" }), -32020);
      }),
      attack("MCP-Protocol-Version header says 2025-11-25 under a 2026-07-28 body", "400 JSON-RPC -32020", async () => {
        await refusedBeforeDeciding(call("approve_client", {}, { "mcp-protocol-version": "2025-11-25" }), -32020);
      }),
      attack("2026-07-28 request without its Mcp-Method and Mcp-Name headers", "400 JSON-RPC -32020", async () => {
        await refusedBeforeDeciding(call("approve_client", {}, { "mcp-method": null, "mcp-name": null }), -32020);
      }),
      attack("Mcp-Name in a forged =?base64?…?= form", "400 JSON-RPC -32020", async () => {
        await refusedBeforeDeciding(call("approve_client", {}, { "mcp-name": "=?base64?%%%?=" }), -32020);
      }),
      attack("initialize sent under a 2026-07-28 MCP-Protocol-Version header", "400 JSON-RPC -32020", async () => {
        const body = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "x", version: "1" } } };
        expectJsonRpcError(await post(body, { "mcp-protocol-version": MODERN }), 400, -32020);
      }),
      attack("_meta names a protocol version this endpoint does not serve", "400 JSON-RPC -32022 listing 2026-07-28", async () => {
        const reply = await post(
          { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "approve_client", arguments: { client_id: "attack" }, _meta: envelope("2099-01-01") } },
          { "mcp-method": "tools/call", "mcp-name": "approve_client" },
        );
        const error = expectJsonRpcError(reply, 400, -32022) as { data?: { supported?: string[] } };
        demand(error.data?.supported?.includes(MODERN), `the refusal does not list the supported versions: ${reply}`);
      }),
      attack("MCP-Protocol-Version header names an unknown revision", "400 JSON-RPC -32022", async () => {
        await refusedBeforeDeciding(call("approve_client", {}, { "mcp-protocol-version": "2026-13-45" }), -32022);
      }),
      attack("2026-07-28 header on a body without its _meta protocol version", "400 JSON-RPC -32602", async () => {
        const body = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "approve_client", arguments: { client_id: "attack" }, _meta: { "io.modelcontextprotocol/clientCapabilities": {} } } };
        await refusedBeforeDeciding(post(body, { "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "approve_client" }), -32602);
      }),
    ],
  };
}
