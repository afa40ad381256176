import { basic, tokenRequest, type AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectJsonRpcError, send } from "./http";

const MODERN = "2026-07-28";

/**
 * What MCP revision 2026-07-28 changed at the authorization server and the resource, attacked: a client_credentials
 * request for every scope the resource names (what the revision's scope selection makes clients send) is narrowed,
 * never widened — the token still cannot call a tool its service identity may not; and a request claiming a version
 * nobody serves is told only the versions `server/discover` lists.
 */
export function attacks({ fx }: AttackDeps): AttackArea {
  const { service } = fx.clients;
  const mcp = (token: string, method: string, params: Record<string, unknown>, name?: string) =>
    send(`${fx.base}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${token}`,
        "mcp-protocol-version": MODERN,
        "mcp-method": method,
        ...(name ? { "mcp-name": name } : {}),
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method,
        params: { ...params, _meta: { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {} } },
      }),
    });

  return {
    name: "Authorization server 2026-07-28",
    cases: [
      attack(
        "client_credentials asking for write scopes beside the read ones its service identity holds",
        "200 with the read scopes only; approve_client with that token 403",
        async () => {
          const reply = await tokenRequest(
            fx,
            { grant_type: "client_credentials", resource: fx.resource, scope: "account:read clients:read clients:write tokens:revoke" },
            { authorization: basic(service.id, service.secret!) },
          );
          demand(reply.status === 200, `the narrowed request was not answered with a token: ${reply}`);
          const granted = String(reply.json()?.scope ?? "").split(" ");
          demand(!granted.includes("clients:write") && !granted.includes("tokens:revoke"), `the token carries a scope the service identity lacks: ${reply}`);
          demand(granted.includes("clients:read"), `the grantable scope was not granted: ${reply}`);
          const call = await mcp(String(reply.json()!.access_token), "tools/call", { name: "approve_client", arguments: { client_id: service.id, reason: "self" } }, "approve_client");
          demand(call.status === 403, `approve_client was not refused with the narrowed token: ${call}`);
        },
      ),
      attack("2026-07-28 envelope and header naming a version nobody serves", "400 JSON-RPC -32022 listing exactly what server/discover lists", async () => {
        const token = String((await fx.serviceToken()).access_token);
        const discover = await mcp(token, "server/discover", {});
        const listed = discover.json<{ result?: { supportedVersions?: string[] } }>()?.result?.supportedVersions;
        demand(Array.isArray(listed) && listed.includes(MODERN), `server/discover did not list the versions it serves: ${discover}`);
        const reply = await send(`${fx.base}/mcp`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${token}`, "mcp-protocol-version": "v999.0.0", "mcp-method": "server/discover" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "server/discover", params: { _meta: { "io.modelcontextprotocol/protocolVersion": "v999.0.0", "io.modelcontextprotocol/clientCapabilities": {} } } }),
        });
        const error = expectJsonRpcError(reply, 400, -32022) as { data?: { supported?: string[]; requested?: string } };
        demand(JSON.stringify(error.data?.supported) === JSON.stringify(listed), `the refusal lists ${JSON.stringify(error.data?.supported)}, server/discover ${JSON.stringify(listed)}`);
        demand(error.data?.requested === "v999.0.0", `the refusal does not echo the requested version: ${reply}`);
      }),
    ],
  };
}
