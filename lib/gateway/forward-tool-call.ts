import { CLIENT_CAPABILITIES_META_KEY, ProtocolError, ProtocolErrorCode, type CallToolResult, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { logger } from "@/lib/logger";
import { parkBinding, resumeUpstreamCall } from "@/lib/gateway/park-upstream-call";
import { recordCallOutcome } from "@/lib/gateway/record-call-outcome";
import { recordRelayEvent } from "@/lib/gateway/record-relay-event";
import { relayLiveCall } from "@/lib/gateway/relay-live-call";
import { startUpstreamCall, type CallerChannel, type UpstreamToolCall } from "@/lib/gateway/start-upstream-call";
import type { UpstreamTarget } from "@/lib/gateway/upstream-target";
import type { LiveToolCall, McpRequestScope } from "@/lib/mcp/build-mcp-server";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";
import type { RequestMeta } from "@/lib/mcp/record-decision";

type CallParams = { arguments?: Record<string, unknown>; _meta?: Record<string, unknown>; requestState?: unknown; inputResponses?: unknown };

/**
 * Forwards a tool call whose allow decision is already recorded to its upstream, with Portcullis's own credential for
 * it (never the caller's token), over the pooled v2 client session. A call that simply answers is answered as before:
 * the result, or a JSON-RPC error with its HTTP status — 504 for a timeout, 503 for an unreachable or saturated
 * upstream, 502 for an answer that is not MCP or is too large. A call that streams first (progress, logging) or asks
 * something back becomes a live call the SDK server relays over the caller's SSE response (`relayLiveCall`). A
 * 2026-07-28 retry carrying `requestState` resumes the parked call it names instead of starting a new one.
 */
export async function forwardToolCall(
  target: UpstreamTarget,
  scope: McpRequestScope,
  call: { id: string | number; name: string },
  message: JSONRPCMessage,
  meta: RequestMeta,
  onToolsChanged: () => void,
): Promise<{ result: CallToolResult } | { response: Response } | { live: LiveToolCall }> {
  const params = ((message as { params?: CallParams }).params ?? {}) as CallParams;
  const channel = callerChannel(target, scope, params, meta);
  let live: UpstreamToolCall;
  if (params.requestState !== undefined) {
    const resumed = await resumeRound(target, scope, call, params, meta, channel);
    if ("response" in resumed) return resumed;
    live = resumed.live;
  } else {
    live = startUpstreamCall(target, call.name, params.arguments ?? {}, channel, onToolsChanged);
    live.approval = scope.approval;
  }
  const first = await live.peek();
  if (first.kind !== "outcome") return { live: { relay: (notify) => relayLiveCall(live, scope, meta, notify) } };
  await live.next();
  await recordCallOutcome(target, scope, call.name, meta, first.outcome, first.latencyMs);
  if ("result" in first.outcome) return { result: first.outcome.result };
  const failure = first.outcome.failure;
  return {
    response: jsonRpcErrorResponse(failure.status, failure.outcome === "timeout" ? JSON_RPC.serverError : JSON_RPC.unavailable, `Upstream ${failure.message}`, {
      id: call.id,
      data: { server: target.name, outcome: failure.outcome },
      ...(failure.status === 503 ? { headers: { "Retry-After": "1" } } : {}),
    }),
  };
}

const CAPABILITY_OF: Record<string, string> = { "sampling/createMessage": "sampling", "elicitation/create": "elicitation", "roots/list": "roots", "elicitation/create#url": "elicitation (url mode)" };

/**
 * Where this round's progress goes and which requests back the caller can answer: only a 2026-07-28 caller, and only
 * for the capabilities it declared in this request's `_meta` (multi round-trip carries them back). A 2025-era caller is
 * served statelessly: no session remembers what it declared at initialize, and its answer would come as a separate
 * POST with nothing to route it — its upstream's requests back are refused, and recorded.
 */
function callerChannel(target: UpstreamTarget, scope: McpRequestScope, params: CallParams, meta: RequestMeta): CallerChannel {
  const token = params._meta?.progressToken;
  const modern = meta.revision?.era === "modern";
  const declared = (modern ? params._meta?.[CLIENT_CAPABILITIES_META_KEY] : undefined) as Record<string, unknown> | undefined;
  const carries = new Set(Object.keys(CAPABILITY_OF).filter((method) => !method.includes("#") && declared?.[CAPABILITY_OF[method]] !== undefined));
  if ((declared?.elicitation as Record<string, unknown> | undefined)?.url !== undefined) carries.add("elicitation/create#url");
  return {
    ...(typeof token === "string" || typeof token === "number" ? { progressToken: token } : {}),
    carries,
    refuse: async (method) => {
      const why = modern
        ? `the caller did not declare the ${CAPABILITY_OF[method] ?? method} capability`
        : "the caller speaks a 2025-era revision, which Portcullis serves without sessions, so it cannot be asked back";
      const shown = method.split("#")[0];
      const reason = `${shown} from ${target.name} refused: ${why}`;
      await recordRelayEvent(target, scope, meta, "refused", reason, { method: shown, upstreamTool: meta.tool }).catch((error) =>
        logger.error("gateway relay refusal could not be recorded", { server: target.name, requestId: meta.requestId, error }),
      );
      return `Portcullis cannot relay ${shown} to the caller: ${why}`;
    },
  };
}

/** A retry with `requestState`: the caller's answers go back upstream, and the parked call goes on. */
async function resumeRound(target: UpstreamTarget, scope: McpRequestScope, call: { id: string | number; name: string }, params: CallParams, meta: RequestMeta, channel: CallerChannel): Promise<{ live: UpstreamToolCall } | { response: Response }> {
  const parked = resumeUpstreamCall(params.requestState, parkBinding(scope, meta.tool ?? call.name, params.arguments));
  if (!parked) {
    await recordRelayEvent(target, scope, meta, "unknown_state", `requestState for ${meta.tool} names no call waiting on this instance`, { upstreamTool: call.name }).catch(() => {});
    return {
      response: jsonRpcErrorResponse(400, JSON_RPC.invalidParams, "Invalid params: requestState names no call waiting for an answer here (it finished, timed out, belongs to another caller, or was started on another Portcullis instance); call the tool again.", {
        id: call.id,
        data: { server: target.name, outcome: "unknown_state" },
      }),
    };
  }
  const responses = (params.inputResponses && typeof params.inputResponses === "object" ? params.inputResponses : {}) as Record<string, Record<string, unknown> | undefined>;
  const keys = [...parked.requests.keys()];
  const answered = keys.filter((key) => responses[key] && typeof responses[key] === "object");
  const actions = Object.fromEntries(answered.map((key) => [key, typeof responses[key]!.action === "string" ? responses[key]!.action : "answered"]));
  try {
    await recordRelayEvent(target, scope, meta, "answered", `the caller answered ${answered.length} of ${keys.length} request(s) from ${target.name} for ${meta.tool}`, {
      upstreamTool: call.name,
      methods: Object.fromEntries(keys.map((key) => [key, parked.requests.get(key)!.request.method])),
      actions,
    });
  } catch (error) {
    // Fail closed: an answer that cannot be recorded is not relayed; the upstream hears a refusal and the call goes on.
    logger.error("gateway relay answer could not be recorded", { server: target.name, requestId: meta.requestId, error });
    for (const request of parked.requests.values()) request.refuse(new ProtocolError(ProtocolErrorCode.InternalError, "Portcullis could not record the caller's answer, so it was not relayed"));
    parked.call.channel = channel;
    return { live: parked.call };
  }
  for (const [key, request] of parked.requests) {
    const answer = responses[key];
    if (answer && typeof answer === "object") request.answer(answer);
    else request.refuse(new ProtocolError(ProtocolErrorCode.InvalidParams, `The caller gave no answer to ${request.request.method}`));
  }
  parked.call.channel = channel;
  return { live: parked.call };
}
