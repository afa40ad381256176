import type { CallToolResult, JSONRPCMessage } from "@modelcontextprotocol/server";
import { recordAudit } from "@/lib/audit";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { asUpstreamFailure, dropUpstream, pooledUpstream } from "@/lib/gateway/upstream-client";
import { upstreamCall } from "@/lib/gateway/upstream-fetch";
import { UpstreamFailure, type UpstreamTarget } from "@/lib/gateway/upstream-target";
import type { McpRequestScope } from "@/lib/mcp/build-mcp-server";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";
import type { RequestMeta } from "@/lib/mcp/record-decision";

/**
 * Forwards a tool call whose allow decision is already recorded to its upstream, with Portcullis's own credential for
 * it (never the caller's token), over the pooled v2 client session; then records what happened — the upstream, the
 * tool, the outcome and the upstream's latency — as `gateway.call`. A failure is answered as a JSON-RPC error: 504 for
 * a timeout, 503 for an unreachable or saturated upstream, 502 for an answer that is not MCP or is too large.
 */
export async function forwardToolCall(
  target: UpstreamTarget,
  scope: McpRequestScope,
  call: { id: string | number; name: string },
  message: JSONRPCMessage,
  meta: RequestMeta,
  onToolsChanged: () => void,
): Promise<{ result: CallToolResult } | { response: Response }> {
  const { timeoutMs, maxConcurrent } = env().gateway;
  const params = (message as { params?: { arguments?: Record<string, unknown>; _meta?: Record<string, unknown> } }).params ?? {};
  const pooled = pooledUpstream(target, onToolsChanged);
  const started = performance.now();
  let outcome: { result: CallToolResult } | { failure: UpstreamFailure };
  if (pooled.inFlight >= maxConcurrent) {
    outcome = { failure: new UpstreamFailure("busy", `${target.name} already has ${maxConcurrent} calls in flight (PORTCULLIS_GATEWAY_MAX_CONCURRENT)`) };
  } else {
    pooled.inFlight += 1;
    try {
      const client = await pooled.client;
      let fail!: (failure: UpstreamFailure) => void;
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failed.catch(() => {});
      const result = (await upstreamCall.run({ fail }, () =>
        Promise.race([client.callTool({ name: call.name, arguments: params.arguments ?? {} }, { timeout: timeoutMs, maxTotalTimeout: timeoutMs }), failed]),
      )) as CallToolResult;
      outcome = { result };
    } catch (error) {
      const failure = asUpstreamFailure(error, target.name);
      // A session that failed this way may be broken: the next call opens a new one.
      if (failure.outcome !== "busy") dropUpstream(target.name);
      outcome = { failure };
    } finally {
      pooled.inFlight -= 1;
    }
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const failure = "failure" in outcome ? outcome.failure : null;
  const result = "result" in outcome ? outcome.result : null;
  try {
    await recordAudit({
      kind: "gateway.call",
      actor: `user:${scope.caller.userId}`,
      subject: scope.caller.userId,
      clientId: scope.caller.clientId,
      tool: meta.tool ?? null,
      scopes: scope.caller.scopes,
      decision: failure ? "deny" : "allow",
      reason: failure ? `call to ${target.name} failed: ${failure.message}` : `${meta.tool} answered by ${target.name}${result?.isError ? " (tool error)" : ""}`,
      requestId: meta.requestId,
      ip: meta.ip,
      detail: {
        server: target.name,
        upstreamTool: call.name,
        outcome: failure ? failure.outcome : result?.isError ? "tool_error" : "ok",
        latencyMs,
        ...(failure ? { status: failure.status } : {}),
      },
    });
  } catch (error) {
    // The decision itself is already durable; losing the outcome line is logged, not hidden.
    logger.error("gateway call outcome could not be recorded", { server: target.name, tool: call.name, requestId: meta.requestId, error });
  }
  if (failure) {
    return {
      response: jsonRpcErrorResponse(failure.status, failure.outcome === "timeout" ? JSON_RPC.serverError : JSON_RPC.unavailable, `Upstream ${failure.message}`, {
        id: call.id,
        data: { server: target.name, outcome: failure.outcome },
        ...(failure.status === 503 ? { headers: { "Retry-After": "1" } } : {}),
      }),
    };
  }
  return { result: result! };
}
