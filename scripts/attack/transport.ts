import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectJsonRpcError, rawRequest, send, type Reply } from "./http";

/** Issue 4's transport hygiene at /mcp, with a valid token so that only the transport rule can refuse. */
export function attacks({ fx }: AttackDeps): AttackArea {
  const whoami = JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "whoami", arguments: {} } });
  let token: Promise<string> | undefined;
  // A real token, and proof that a well-formed request with it is served: each case below differs only in its flaw.
  const valid = () =>
    (token ??= fx.freshTokens("account:read").then(async (t) => {
      const control = await send(`${fx.base}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.access_token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: whoami,
      });
      demand(control.status === 200, `the valid request was refused, so the cases prove nothing: ${control}`);
      return t.access_token;
    }));
  const post = async (body: string, headers: Record<string, string> = {}): Promise<Reply> =>
    send(`${fx.base}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${await valid()}`, "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body,
    });

  return {
    name: "Transport hygiene",
    cases: [
      attack("browser page on another origin (DNS rebinding / CSRF)", "403 JSON-RPC -32000", async () => {
        expectJsonRpcError(await post(whoami, { origin: "https://evil.example" }), 403, -32000);
      }),
      attack("Origin: null (sandboxed frame)", "403 JSON-RPC -32000", async () => {
        expectJsonRpcError(await post(whoami, { origin: "null" }), 403, -32000);
      }),
      attack("Origin that only starts like the server's", "403 JSON-RPC -32000", async () => {
        expectJsonRpcError(await post(whoami, { origin: `${fx.base}.evil.example` }), 403, -32000);
      }),
      attack("oversized body (2 MiB)", "413 JSON-RPC -32600", async () => {
        const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: { pad: "x".repeat(2 * 1024 * 1024) } } });
        expectJsonRpcError(await post(body), 413, -32600);
      }),
      attack("oversized body without Content-Length (chunked, 2.5 MiB)", "413 JSON-RPC -32600", async () => {
        // On its own connection: a refused upload leaves the rest of its body in flight on that socket.
        const chunk = "x".repeat(64 * 1024);
        const chunks = Array.from({ length: 40 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join("");
        const reply = await rawRequest(
          fx.port,
          `POST /mcp HTTP/1.1\r\nHost: localhost:${fx.port}\r\nAuthorization: Bearer ${await valid()}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks}0\r\n\r\n`,
        );
        const code = (JSON.parse(reply.body || "{}") as { error?: { code: number } }).error?.code;
        demand(reply.status === 413 && code === -32600, `expected 413 with JSON-RPC -32600, got ${reply.status}: ${reply.body.slice(0, 200)}`);
      }),
      attack("malformed JSON", "400 JSON-RPC -32700 parse error", async () => {
        expectJsonRpcError(await post('{"jsonrpc":"2.0","id":1,"method":'), 400, -32700);
      }),
      attack("JSON that is not a JSON-RPC message (a string)", "400 JSON-RPC -32600", async () => {
        expectJsonRpcError(await post('"hello"'), 400, -32600);
      }),
      attack("JSON-RPC batch (removed from MCP)", "400 JSON-RPC -32600", async () => {
        expectJsonRpcError(await post(`[${whoami},${whoami}]`), 400, -32600);
      }),
      attack("tools/call without params.name", "400 JSON-RPC -32602", async () => {
        expectJsonRpcError(await post(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { arguments: {} } })), 400, -32602);
      }),
      attack("tools/call naming a tool with control characters", "400 JSON-RPC -32602", async () => {
        expectJsonRpcError(await post(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "whoami\r\nX-Injected: 1", arguments: {} } })), 400, -32602);
      }),
      attack("GET (server-initiated stream)", "405 JSON-RPC -32000 with Allow", async () => {
        const reply = await send(`${fx.base}/mcp`, { headers: { authorization: `Bearer ${await valid()}`, accept: "text/event-stream" } });
        expectJsonRpcError(reply, 405, -32000);
        demand(reply.headers.get("allow")?.includes("POST"), `no Allow header: ${reply}`);
      }),
      attack("DELETE (session teardown on a stateless server)", "405 JSON-RPC -32000", async () => {
        expectJsonRpcError(await send(`${fx.base}/mcp`, { method: "DELETE", headers: { authorization: `Bearer ${await valid()}` } }), 405, -32000);
      }),
      attack("wrong Content-Type (text/plain)", "415 JSON-RPC -32000", async () => {
        expectJsonRpcError(await post(whoami, { "content-type": "text/plain" }), 415, -32000);
      }),
      attack("Accept without text/event-stream", "406 JSON-RPC -32000", async () => {
        expectJsonRpcError(await post(whoami, { accept: "application/json" }), 406, -32000);
      }),
      attack("unsupported MCP-Protocol-Version", "400 JSON-RPC -32022 (UnsupportedProtocolVersion)", async () => {
        expectJsonRpcError(await post(whoami, { "mcp-protocol-version": "1999-01-01" }), 400, -32022);
      }),
    ],
  };
}
