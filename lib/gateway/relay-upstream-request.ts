import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { recordAudit } from "@/lib/audit";
import { env } from "@/lib/env";
import { isDatabaseUnavailable } from "@/lib/errors";
import { serverResource, serverScope } from "@/lib/gateway/gateway-registry";
import { gatewayResourceMetadataUrl } from "@/lib/gateway/gateway-resource-metadata-url";
import { asUpstreamFailure, dropUpstream, pooledUpstream } from "@/lib/gateway/upstream-client";
import type { UpstreamTarget } from "@/lib/gateway/upstream-target";
import { logger } from "@/lib/logger";
import { challengeScopes } from "@/lib/mcp/authorize-tool-call";
import { bearerChallenge } from "@/lib/mcp/bearer-challenge";
import type { McpRequestScope } from "@/lib/mcp/build-mcp-server";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";
import { recordDecision, type RequestMeta } from "@/lib/mcp/record-decision";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";

/** The upstream requests besides tool calls that pass through to callers holding the server's scope. */
export const RELAYED_METHODS: ReadonlySet<string> = new Set(["resources/list", "resources/read", "resources/templates/list", "prompts/list", "prompts/get"]);

/**
 * `resources/*` and `prompts/*` at /mcp/<name> (DESIGN §10): allowed only to a caller whose roles, client and token all
 * carry the server's scope `server:<name>`; each request is a decision recorded before it is forwarded (fail closed),
 * then relayed from the upstream with Portcullis's credential, its outcome recorded like a tool call's.
 */
export async function relayUpstreamRequest(
  target: UpstreamTarget,
  scope: McpRequestScope,
  message: JSONRPCMessage & { id: string | number; method: string },
  meta: RequestMeta,
  onToolsChanged: () => void,
): Promise<{ result: Record<string, unknown> } | { response: Response }> {
  const { caller, snapshot } = scope;
  const required = serverScope(target.name);
  const user = snapshot.users.get(caller.userId)!;
  const client = snapshot.clients.get(caller.clientId)!;
  const failure = !userEffectiveScopes(snapshot, caller.userId, caller.extraRoles).has(required)
    ? { check: "user_scope", reason: `user ${user.email} has no role granting ${required}` }
    : !client.allowedScopes.includes(required)
      ? { check: "client_allows", reason: `client ${client.name} is not allowed ${required}` }
      : !caller.scopes.includes(required)
        ? { check: "token_scope", reason: `token scope lacks ${required}` }
        : null;
  const detail = { stage: "authorize", server: target.name, resource: serverResource(target.name), requiredScope: required, relayedMethod: message.method };
  try {
    await recordDecision({
      decision: failure ? "deny" : "allow",
      reason: failure ? `denied: ${failure.reason}` : `user ${user.email} → scope ${required} → ${message.method} on ${target.name}`,
      party: caller,
      meta,
      detail: { ...detail, check: failure?.check ?? "allowed", status: failure ? 403 : 200 },
    });
  } catch (error) {
    (isDatabaseUnavailable(error) ? logger.warn : logger.error)("gateway decision could not be recorded; refusing", { requestId: meta.requestId, error });
    return { response: jsonRpcErrorResponse(503, JSON_RPC.unavailable, "The decision could not be recorded in the audit log, so the request was refused. Try again shortly.", { id: message.id, headers: { "Retry-After": "1" } }) };
  }
  if (failure) {
    const headers: Record<string, string> =
      failure.check === "token_scope"
        ? { "WWW-Authenticate": bearerChallenge({ error: "insufficient_scope", scopes: challengeScopes([required], caller, meta), description: `${message.method} requires the ${required} scope`, resourceMetadata: gatewayResourceMetadataUrl(target.name) }) }
        : {};
    return { response: jsonRpcErrorResponse(403, JSON_RPC.forbidden, `Forbidden: ${failure.reason}`, { id: message.id, headers, data: { requiredScope: required } }) };
  }

  const { timeoutMs } = env().gateway;
  const started = performance.now();
  const params = ((message as { params?: Record<string, unknown> }).params ?? {}) as Record<string, unknown>;
  const options = { timeout: timeoutMs };
  let result: Record<string, unknown> | null = null;
  let problem: ReturnType<typeof asUpstreamFailure> | null = null;
  try {
    const upstream = await pooledUpstream(target, onToolsChanged).client;
    const p = params as never;
    switch (message.method) {
      case "resources/list": result = await upstream.listResources(p, options); break;
      case "resources/read": result = await upstream.readResource(p, options); break;
      case "resources/templates/list": result = await upstream.listResourceTemplates(p, options); break;
      case "prompts/list": result = await upstream.listPrompts(p, options); break;
      default: result = await upstream.getPrompt(p, options);
    }
  } catch (error) {
    problem = asUpstreamFailure(error, target.name);
    dropUpstream(target.name);
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  await recordAudit({
    kind: "gateway.call",
    actor: `user:${caller.userId}`,
    subject: caller.userId,
    clientId: caller.clientId,
    scopes: caller.scopes,
    decision: problem ? "deny" : "allow",
    reason: problem ? `${message.method} on ${target.name} failed: ${problem.message}` : `${message.method} answered by ${target.name}`,
    requestId: meta.requestId,
    ip: meta.ip,
    detail: { server: target.name, relayedMethod: message.method, outcome: problem ? problem.outcome : "ok", latencyMs },
  }).catch((error) => logger.error("gateway outcome could not be recorded", { server: target.name, error }));
  if (problem) return { response: jsonRpcErrorResponse(problem.status, JSON_RPC.unavailable, `Upstream ${problem.message}`, { id: message.id, data: { server: target.name, outcome: problem.outcome } }) };
  return { result: result! };
}
