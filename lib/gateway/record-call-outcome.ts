import { recordAudit } from "@/lib/audit";
import { logger } from "@/lib/logger";
import type { CallOutcome } from "@/lib/gateway/start-upstream-call";
import type { UpstreamTarget } from "@/lib/gateway/upstream-target";
import type { McpRequestScope } from "@/lib/mcp/build-mcp-server";
import type { RequestMeta } from "@/lib/mcp/record-decision";

/**
 * Records what happened to a forwarded call — the upstream, the tool, the outcome and the upstream's latency — as
 * `gateway.call`, linked to its decision by the request id (of the round that saw the outcome, for a call that took
 * several rounds with the caller).
 */
export async function recordCallOutcome(target: UpstreamTarget, scope: McpRequestScope, upstreamTool: string, meta: RequestMeta, outcome: CallOutcome, latencyMs: number, extra: Record<string, unknown> = {}): Promise<void> {
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
        upstreamTool,
        outcome: failure ? failure.outcome : result?.isError ? "tool_error" : "ok",
        latencyMs,
        ...(failure ? { status: failure.status } : {}),
        ...extra,
      },
    });
  } catch (error) {
    // The decision itself is already durable; losing the outcome line is logged, not hidden.
    logger.error("gateway call outcome could not be recorded", { server: target.name, tool: upstreamTool, requestId: meta.requestId, error });
  }
}
