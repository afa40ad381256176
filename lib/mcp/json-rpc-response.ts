/** JSON-RPC error codes this endpoint answers with, besides the standard ones (-32700 … -32603). */
export const JSON_RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  invalidParams: -32602,
  internalError: -32603,
  /** Transport-level refusals (origin, method, media type), as the SDK's transport uses it. */
  serverError: -32000,
  // Implementation-defined codes (MCP 2026-07-28 leaves -32000…-32019 to implementations), clear of the SDK's own -32000/-32001.
  /** No usable access token (HTTP 401, or 400 for a malformed one). */
  unauthorized: -32010,
  /** The caller may not do this (HTTP 403). */
  forbidden: -32011,
  /** The decision could not be recorded, so nothing ran (HTTP 503). */
  unavailable: -32012,
  // MCP 2026-07-28 (basic, error codes): -32020…-32099 are the specification's own.
  /** HTTP headers that disagree with the body, or required ones missing (HTTP 400). */
  headerMismatch: -32020,
  /** A capability (an extension) the request needs but did not declare (tasks extension, "Capability Negotiation"). */
  missingClientCapability: -32021,
  /** A protocol version this endpoint does not serve (HTTP 400). */
  unsupportedProtocolVersion: -32022,
} as const;

export type JsonRpcId = string | number | null;

/** A JSON-RPC error as a whole HTTP response: MCP clients parse the body of every answer, refusals included. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  options: { id?: JsonRpcId; headers?: Record<string, string>; data?: Record<string, unknown> } = {},
): Response {
  const error = options.data ? { code, message, data: options.data } : { code, message };
  return new Response(JSON.stringify({ jsonrpc: "2.0", id: options.id ?? null, error }), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...options.headers },
  });
}
