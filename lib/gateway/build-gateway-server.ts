import { ProtocolError, ProtocolErrorCode, Server, type CallToolResult, type Tool } from "@modelcontextprotocol/server";
import type { GatewayRegistry } from "@/lib/gateway/gateway-registry";
import type { McpRequestScope } from "@/lib/mcp/build-mcp-server";
import { heldAnswer } from "@/lib/mcp/held-answer";
import { SERVER_INFO } from "@/lib/mcp/server-info";
import { allowedTools } from "@/lib/policy/decide";

/**
 * The MCP server a caller of `/mcp/<name>` talks to, one per request like the built-in one: `tools/list` shows the
 * upstream's accepted tools the current policy lets this caller call, with their pinned definitions and the upstream's
 * own names; `tools/call` relays the upstream's answer to the call whose allow decision was recorded and which
 * `forwardToolCall` already made.
 */
export function buildGatewayServer(scope: McpRequestScope, serverName: string, registry: GatewayRegistry): Server {
  const server = new Server(
    { name: `${SERVER_INFO.name}-${serverName}`, title: `${serverName} (through Portcullis)`, version: SERVER_INFO.version },
    // logging: so the upstream's log lines tied to a call can be relayed on it (relayLiveCall).
    { capabilities: { tools: { listChanged: false }, resources: {}, prompts: {}, logging: {} } },
  );
  // resources/* and prompts/*: the upstream's answer, fetched after the recorded decision (relayUpstreamRequest).
  for (const method of ["resources/list", "resources/read", "resources/templates/list", "prompts/list", "prompts/get"] as const) {
    server.setRequestHandler(method, () => {
      if (scope.relayed?.method !== method) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `The ${method} request was not authorized`);
      return scope.relayed.result as never;
    });
  }
  const prefix = `${serverName}.`;
  server.setRequestHandler("tools/list", () => ({
    tools: allowedTools(scope.snapshot, {
      userId: scope.caller.userId,
      clientId: scope.caller.clientId,
      tokenScopes: scope.caller.scopes,
      extraRoles: scope.caller.extraRoles,
    })
      .filter((name) => name.startsWith(prefix))
      .map((name) => registry.definitions.get(name))
      .filter((d) => d !== undefined)
      .map((d) => d as unknown as Tool)
      .sort((a, b) => a.name.localeCompare(b.name)),
  }));
  server.setRequestHandler("tools/call", async (request, ctx): Promise<CallToolResult> => {
    // Held for a second person's approval (DESIGN §11): not forwarded; the caller is told what next.
    if (scope.held && scope.held.tool === `${prefix}${request.params.name}`) return heldAnswer(scope.held);
    const decision = scope.allowed;
    // Defence in depth: the pipeline decides, records and forwards before the SDK sees the message.
    if (!decision?.allow || decision.tool !== `${prefix}${request.params.name}` || !(scope.forwarded || scope.live)) {
      throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `The call to ${request.params.name} was not authorized`);
    }
    // Notifications go out tied to this request, so the transport writes them on its response stream.
    if (scope.live) return (await scope.live.relay((n) => ctx.mcpReq.notify(n as never))) as CallToolResult;
    return scope.forwarded!;
  });
  return server;
}
