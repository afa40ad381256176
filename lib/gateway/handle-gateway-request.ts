import { publicError } from "@/lib/errors";
import { buildGatewayServer } from "@/lib/gateway/build-gateway-server";
import { forwardToolCall } from "@/lib/gateway/forward-tool-call";
import { parkBinding, parkedApproval } from "@/lib/gateway/park-upstream-call";
import { gatewayRegistry, mirroredToolName, serverResource } from "@/lib/gateway/gateway-registry";
import { scheduleMirrorRefresh } from "@/lib/gateway/schedule-mirror-refresh";
import { gatewayResourceMetadataUrl } from "@/lib/gateway/gateway-resource-metadata-url";
import { RELAYED_METHODS, relayUpstreamRequest } from "@/lib/gateway/relay-upstream-request";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";
import { handleProtectedMcpRequest, type McpResource } from "@/lib/mcp/handle-mcp-request";
import type { PolicySnapshot } from "@/lib/policy/types";

/**
 * `/mcp/<name>`: an upstream server's governed endpoint (DESIGN §10) — the same pipeline as `/mcp` (origin, body
 * limit, token for exactly this resource, current policy, decision recorded before forwarding, fail closed), with the
 * upstream's mirrored tools. A name with no server behind it is 404, whatever the request carries.
 */
export async function handleGatewayRequest(request: Request, name: string): Promise<Response> {
  let registry;
  try {
    registry = await gatewayRegistry();
  } catch (error) {
    const { status, message } = publicError(error);
    return jsonRpcErrorResponse(status === 500 ? 503 : status, JSON_RPC.unavailable, status === 500 ? "The server registry could not be read; try again shortly." : message, { headers: { "Retry-After": "1" } });
  }
  const target = registry.servers.get(name);
  if (!target) return jsonRpcErrorResponse(404, JSON_RPC.serverError, `Not found: no MCP server is registered at /mcp/${name.slice(0, 64)}.`);
  const prefix = `${name}.`;
  const resource: McpResource = {
    url: serverResource(name),
    metadataUrl: gatewayResourceMetadataUrl(name),
    scopes: (snapshot) => serverScopes(snapshot, name),
    auditDetail: { server: name, resource: serverResource(name) },
    tools: {
      policyName: (tool) => mirroredToolName(name, tool),
      // Held tools are this server's too: their call is refused by the policy ("awaiting review"), not as unknown.
      served: (policyName) => policyName.startsWith(prefix),
    },
    build: (scope) => buildGatewayServer(scope, name, registry),
    forward: (scope, call, message, meta) => forwardToolCall(target, scope, call, message, meta, () => scheduleMirrorRefresh(name)),
    continuedApproval: (caller, tool, message) => {
      const params = ((message as { params?: { requestState?: unknown; arguments?: unknown } }).params ?? {});
      return parkedApproval(params.requestState, parkBinding({ caller }, tool, params.arguments));
    },
    passthrough: { methods: RELAYED_METHODS, run: (scope, message, meta) => relayUpstreamRequest(target, scope, message, meta, () => scheduleMirrorRefresh(name)) },
  };
  return handleProtectedMcpRequest(request, resource);
}

/** The scopes the server's tools require under the current policy (never offline_access). */
export function serverScopes(snapshot: PolicySnapshot, name: string): string[] {
  const scopes = [...snapshot.tools.values()].filter((t) => t.serverName === name).map((t) => t.requiredScope);
  return [...new Set(scopes)].filter((s) => s !== "offline_access").sort();
}

