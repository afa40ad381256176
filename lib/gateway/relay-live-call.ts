import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { logger } from "@/lib/logger";
import { JSON_RPC } from "@/lib/mcp/json-rpc-response";
import { dropParkedCall, parkBinding, parkUpstreamCall } from "@/lib/gateway/park-upstream-call";
import { recordCallOutcome } from "@/lib/gateway/record-call-outcome";
import { recordRelayEvent } from "@/lib/gateway/record-relay-event";
import type { CallEvent, RelayedNotification, UpstreamToolCall } from "@/lib/gateway/start-upstream-call";
import type { McpRequestScope } from "@/lib/mcp/build-mcp-server";
import type { RequestMeta } from "@/lib/mcp/record-decision";

/**
 * Relays a live upstream call to its caller from inside the SDK server's `tools/call` handler, so each event goes out
 * on the caller's response as it happens: notifications tied to the call (progress under the caller's own token,
 * logging) as SSE events; a request back as an `input_required` result (MCP 2026-07-28 multi round-trip) whose
 * `requestState` parks the call until the caller's next round; the upstream's result as the response. A failure once
 * the stream has started can no longer change the HTTP status: it is the JSON-RPC error of the response.
 */
export async function relayLiveCall(call: UpstreamToolCall, scope: McpRequestScope, meta: RequestMeta, notify: (notification: RelayedNotification) => Promise<void>): Promise<Record<string, unknown>> {
  for (;;) {
    const event = await call.next();
    if (event.kind === "notification") {
      // A caller gone mid-stream loses its notifications; the call itself is still recorded when it ends.
      await notify(event.notification).catch(() => {});
      continue;
    }
    if (event.kind === "request") return askCaller(call, scope, meta, [event, ...call.takeQueuedRequests()]);
    await recordCallOutcome(call.target, scope, call.upstreamName, meta, event.outcome, event.latencyMs);
    if ("result" in event.outcome) return event.outcome.result as Record<string, unknown>;
    const failure = event.outcome.failure;
    throw new ProtocolError((failure.outcome === "timeout" ? JSON_RPC.serverError : JSON_RPC.unavailable) as ProtocolErrorCode, `Upstream ${failure.message}`, { server: call.target.name, outcome: failure.outcome, status: failure.status });
  }
}

type RequestEvent = Extract<CallEvent, { kind: "request" }>;

async function askCaller(call: UpstreamToolCall, scope: McpRequestScope, meta: RequestMeta, requests: RequestEvent[]): Promise<Record<string, unknown>> {
  const keyed = new Map(requests.map((r, i) => [`${r.request.method.replace(/\W/g, "_")}_${i + 1}`, r]));
  const methods = Object.fromEntries([...keyed].map(([key, r]) => [key, r.request.method]));
  try {
    // Recorded before the caller sees it (fail closed): a request back that cannot be recorded is refused upstream.
    await recordRelayEvent(call.target, scope, meta, "relayed", `${[...new Set(Object.values(methods))].join(", ")} from ${call.target.name} relayed to the caller of ${meta.tool}`, { upstreamTool: call.upstreamName, methods });
  } catch (error) {
    logger.error("gateway relay could not be recorded; refusing it upstream", { server: call.target.name, requestId: meta.requestId, error });
    for (const r of requests) r.refuse(new ProtocolError(ProtocolErrorCode.InternalError, "Portcullis could not record the request, so it was not relayed"));
    return relayLiveCall(call, scope, meta, async () => {});
  }
  const state = parkUpstreamCall(call, parkBinding(scope, meta.tool ?? call.upstreamName, call.args), keyed);
  // Nobody came back before the call ended (its timeout, or the upstream gave up): unpark it, refuse what is still
  // asked, and record the outcome so the call's line in the audit is never missing.
  void waitForAbandon(call, state, scope, meta);
  return {
    resultType: "input_required",
    inputRequests: Object.fromEntries([...keyed].map(([key, r]) => [key, { method: r.request.method, ...(r.request.params ? { params: r.request.params } : {}) }])),
    requestState: state,
  };
}

async function waitForAbandon(call: UpstreamToolCall, state: string, scope: McpRequestScope, meta: RequestMeta): Promise<void> {
  await call.settled;
  const parked = dropParkedCall(state);
  if (!parked) return; // resumed: the caller's next round consumes the rest
  for (const r of parked.requests.values()) r.refuse(new ProtocolError(JSON_RPC.serverError as ProtocolErrorCode, "The caller did not answer before the call ended"));
  for (;;) {
    const event = await call.next();
    if (event.kind !== "outcome") continue;
    await recordCallOutcome(call.target, scope, call.upstreamName, meta, event.outcome, event.latencyMs, { abandoned: true });
    return;
  }
}
