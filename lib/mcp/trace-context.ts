import { TRACEPARENT_META_KEY, TRACESTATE_META_KEY } from "@modelcontextprotocol/server";

/** W3C Trace Context of one request, as the request log and the decision's audit event record it. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

// W3C Trace Context §3.2: version-traceid-parentid-flags, lowercase hex; version ff is invalid.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
// W3C Trace Context §3.3: at most 32 list members, printable ASCII; 512 characters is the size vendors must accept.
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/**
 * The trace context a request carries: in its `_meta` (`traceparent`, `tracestate`; MCP 2026-07-28, SEP-414), else
 * in the HTTP headers of the same names. It is the sender's to choose and only ever recorded, so a malformed value is
 * dropped (W3C Trace Context §4.3: a vendor receiving an invalid traceparent ignores it, and its tracestate with it)
 * rather than refused.
 */
export function traceContext(message: unknown, headers: Headers): TraceContext | undefined {
  const meta = metaOf(message);
  const fromMeta = parse(meta?.[TRACEPARENT_META_KEY], meta?.[TRACESTATE_META_KEY]);
  return fromMeta ?? parse(headers.get("traceparent"), headers.get("tracestate"));
}

function parse(traceparent: unknown, tracestate: unknown): TraceContext | undefined {
  if (typeof traceparent !== "string") return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (!match || match[1] === "ff" || /^0+$/.test(match[2]) || /^0+$/.test(match[3])) return undefined;
  const state = typeof tracestate === "string" && TRACESTATE.test(tracestate) && tracestate.split(",").length <= 32 ? tracestate : undefined;
  return state ? { traceparent, tracestate: state } : { traceparent };
}

function metaOf(message: unknown): Record<string, unknown> | undefined {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return undefined;
  const params = (message as { params?: unknown }).params;
  if (typeof params !== "object" || params === null) return undefined;
  const meta = (params as { _meta?: unknown })._meta;
  return typeof meta === "object" && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
}
