import { recordAudit } from "@/lib/audit";
import type { UpstreamTarget } from "@/lib/gateway/upstream-target";
import type { McpRequestScope } from "@/lib/mcp/build-mcp-server";
import type { RequestMeta } from "@/lib/mcp/record-decision";

export type RelayOutcome = "relayed" | "refused" | "answered" | "unknown_state";

/**
 * A request back from an upstream during a call (sampling, elicitation, roots), as its own `gateway.relay` event linked
 * to the call's decision by the request id: relayed to the caller, refused to the upstream (and why), or answered by
 * the caller in its next round. A separate event rather than a field of the decision: the decision is recorded before
 * the call is forwarded, when nobody knows yet whether the upstream will ask anything. What the user typed or the model
 * wrote is not recorded — only the method, the request keys and, for elicitation, the action.
 */
export async function recordRelayEvent(target: UpstreamTarget, scope: McpRequestScope, meta: RequestMeta, outcome: RelayOutcome, reason: string, detail: Record<string, unknown>): Promise<void> {
  await recordAudit({
    kind: "gateway.relay",
    actor: `user:${scope.caller.userId}`,
    subject: scope.caller.userId,
    clientId: scope.caller.clientId,
    tool: meta.tool ?? null,
    scopes: scope.caller.scopes,
    decision: outcome === "relayed" || outcome === "answered" ? "allow" : "deny",
    reason,
    requestId: meta.requestId,
    ip: meta.ip,
    detail: { server: target.name, outcome, ...detail },
  });
}
