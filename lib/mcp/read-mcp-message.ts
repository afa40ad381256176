import { isJSONRPCRequest, readRequestBody, specTypeSchemas, type JSONRPCMessage } from "@modelcontextprotocol/server";
import type { RequestMeta } from "@/lib/mcp/record-decision";
import { traceContext } from "@/lib/mcp/trace-context";

/** Large enough for any governance tool's arguments; small enough that a flood of bodies cannot exhaust memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
// What of the request itself goes into audit events: short, or nothing.
const MAX_AUDITED_LENGTH = 128;

export type McpMessage =
  | { kind: "too_large" }
  | { kind: "not_json" }
  | { kind: "batch" }
  | { kind: "invalid"; id: string | number | null; method?: string; why: string }
  | { kind: "message"; message: JSONRPCMessage; toolCall: ToolCall | null };

/** A `tools/call` as the decision sees it: the JSON-RPC id, the tool, and the arguments its conditions judge. */
export interface ToolCall {
  id: string | number;
  name: string;
  args?: Record<string, unknown>;
}

/**
 * Reads the body once, within the size limit, and classifies it: the route decides on the parsed message and hands
 * that same object to the SDK's transport, which then does not read the body again (and validates every other kind
 * of message itself).
 */
export async function readMcpMessage(request: Request): Promise<McpMessage> {
  const body = await readRequestBody(request, MAX_BODY_BYTES);
  if (body.tooLarge) return { kind: "too_large" };
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    return { kind: "not_json" };
  }
  // JSON-RPC batching was removed from MCP in 2025-06-18 and the SDK client never sends one; refusing batches keeps
  // one decision (and one HTTP status) per request.
  if (Array.isArray(value)) return { kind: "batch" };
  if (typeof value !== "object" || value === null) return { kind: "invalid", id: null, why: "not a JSON-RPC 2.0 message" };
  const loose = value as { id?: unknown; method?: unknown };
  const id = typeof loose.id === "string" || typeof loose.id === "number" ? loose.id : null;
  if (loose.method !== "tools/call" || id === null) return { kind: "message", message: value as JSONRPCMessage, toolCall: null };
  // The SDK's own schemas, so that the SDK, validating the same message after us, cannot refuse a call already recorded
  // as allowed. Other messages involve no decision and are left to the SDK.
  const call = isJSONRPCRequest(value) ? specTypeSchemas.CallToolRequest["~standard"].validate(value) : undefined;
  if (!call || "issues" in call) {
    return { kind: "invalid", id, method: "tools/call", why: "tools/call needs params.name (a string) and params.arguments (an object)" };
  }
  const name = call.value.params.name;
  // MCP tool names are 1–128 characters of A–Z, a–z, 0–9, `_`, `-` and `.`; anything else names no tool, and is kept
  // out of the audit log.
  if (!TOOL_NAME.test(name)) {
    return { kind: "invalid", id, method: "tools/call", why: "params.name is not a tool name (1-128 characters: letters, digits, _ - .)" };
  }
  return { kind: "message", message: value as JSONRPCMessage, toolCall: { id, name, args: (call.value.params.arguments ?? {}) as Record<string, unknown> } };
}

/** What the audit can say about a request whose body was read, before anything else is known. */
export function describeMessage(message: McpMessage, meta: RequestMeta, headers: Headers): RequestMeta {
  const short = (value: unknown) => (typeof value === "string" && value.length <= MAX_AUDITED_LENGTH) || typeof value === "number" ? value : undefined;
  const trace = traceContext(message.kind === "message" ? message.message : undefined, headers);
  const traced = trace ? { ...meta, trace } : meta;
  if (message.kind === "invalid") return { ...traced, method: short(message.method) as string | undefined, jsonRpcId: message.id };
  if (message.kind !== "message") return traced;
  const m = message.message as { method?: unknown; id?: string | number };
  return { ...traced, method: short(m.method) as string | undefined, jsonRpcId: m.id ?? null, tool: message.toolCall?.name };
}
