import {
  classifyInboundRequest,
  PROTOCOL_VERSION_META_KEY,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
} from "@modelcontextprotocol/server";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";

/**
 * The revisions served with the per-request `_meta` envelope (the "modern" era) — those `createMcpHandler` of
 * @modelcontextprotocol/server 2.4 serves — and the 2025-era revisions served through the `initialize` handshake.
 */
export const MODERN_PROTOCOL_VERSIONS: readonly string[] = ["2026-07-28"];
export const LEGACY_PROTOCOL_VERSIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;
const ALL_VERSIONS = [...MODERN_PROTOCOL_VERSIONS, ...LEGACY_PROTOCOL_VERSIONS];

export type ProtocolEra = "modern" | "legacy";

/** Which revision a request speaks, once its headers and its body are known to agree. */
export interface ProtocolRevision {
  era: ProtocolEra;
  /** The `_meta` version of a modern request; the `MCP-Protocol-Version` header of a 2025-era one, when sent. */
  version: string | null;
}

export type RevisionCheck = { ok: true; revision: ProtocolRevision } | { ok: false; response: Response };

// MCP 2026-07-28 streamable HTTP, "Request Metadata": the body field each method's Mcp-Name header mirrors.
const MCP_NAME_SOURCE: Record<string, "name" | "uri" | "taskId"> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "tasks/get": "taskId",
  "tasks/update": "taskId",
  "tasks/cancel": "taskId",
};

/**
 * Which protocol revision a well-formed JSON-RPC message speaks, decided from the body (MCP 2026-07-28, versioning):
 * a `_meta` `io.modelcontextprotocol/protocolVersion` claim makes it modern, anything else is 2025-era traffic. The
 * HTTP headers that mirror the body (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`) are only a cross-check: a
 * request whose headers disagree with its body, or a modern request without them, is refused 400 with `-32020`
 * (HeaderMismatch) before anything is decided, so that nothing downstream — this endpoint's decision, a gateway or
 * a load balancer routing on the headers — can act on a name the body does not carry. A version this endpoint does
 * not serve is refused 400 with `-32022` listing those it does; a modern header on a body without its `_meta`
 * version is refused 400 with `-32602`. The era classification itself is the SDK's (`classifyInboundRequest`), the
 * same code its `createMcpHandler` routes with, so the two cannot disagree.
 */
export function checkProtocolRevision(request: Request, message: JSONRPCMessage): RevisionCheck {
  const headers = {
    protocolVersionHeader: header(request, "mcp-protocol-version"),
    mcpMethodHeader: header(request, "mcp-method"),
    mcpNameHeader: header(request, "mcp-name"),
  };
  const id = jsonRpcId(message);

  if (headers.protocolVersionHeader !== undefined && !ALL_VERSIONS.includes(headers.protocolVersionHeader)) {
    // MCP 2026-07-28, versioning: the versions listed are those the client can retry with on the wire it spoke. A
    // request in the per-request envelope gets the envelope's versions — the same list `server/discover` answers, so
    // the two never disagree; a 2025-era request gets every version served, the initialize handshake's included.
    const served = claimsEnvelopeVersion(message) ? MODERN_PROTOCOL_VERSIONS : ALL_VERSIONS;
    return unsupported(headers.protocolVersionHeader, served, id, "MCP-Protocol-Version header");
  }

  const outcome = classifyInboundRequest({ httpMethod: "POST", ...headers, body: message });
  if (outcome.kind === "reject") {
    return refuse(outcome.httpStatus, outcome.code, outcome.message, id, outcome.data as Record<string, unknown> | undefined);
  }

  if (outcome.kind === "modern") {
    const claimed = outcome.classification.revision;
    if (claimed === undefined || !MODERN_PROTOCOL_VERSIONS.includes(claimed)) {
      return unsupported(claimed ?? "(none)", MODERN_PROTOCOL_VERSIONS, id, `_meta ${PROTOCOL_VERSION_META_KEY}`);
    }
    if (outcome.messageKind === "request") {
      // 2026-07-28 requires both headers on every request POST; the classifier has already compared those present.
      if (headers.protocolVersionHeader === undefined) return mismatch(id, `the body names protocol version ${claimed} but the required MCP-Protocol-Version header is absent`);
      if (headers.mcpMethodHeader === undefined) return mismatch(id, `the body names method ${outcome.message.method} but the required Mcp-Method header is absent`);
    }
    const name = nameDisagreement(message, headers.mcpNameHeader, outcome.messageKind === "request");
    if (name) return mismatch(id, name);
    return { ok: true, revision: { era: "modern", version: claimed } };
  }

  // 2025-era clients send none of the mirrored headers. One that is sent all the same must still agree with the body:
  // an intermediary may have routed or filtered on it.
  const method = (message as { method?: unknown }).method;
  if (headers.mcpMethodHeader !== undefined && typeof method === "string" && headers.mcpMethodHeader !== method) {
    return mismatch(id, `the body names method ${method} but the Mcp-Method header names ${headers.mcpMethodHeader}`);
  }
  const name = nameDisagreement(message, headers.mcpNameHeader, false);
  if (name) return mismatch(id, name);
  return { ok: true, revision: { era: "legacy", version: headers.protocolVersionHeader ?? null } };
}

/** Whether the body names a version in the 2026-07-28 `_meta` envelope (any value: the claim itself marks the era). */
function claimsEnvelopeVersion(message: JSONRPCMessage): boolean {
  const meta = (message as { params?: { _meta?: Record<string, unknown> } }).params?._meta;
  return typeof meta === "object" && meta !== null && Object.hasOwn(meta, PROTOCOL_VERSION_META_KEY);
}

/** Why the `Mcp-Name` header does not mirror the body's name, uri or task id; a required header missing counts. */
function nameDisagreement(message: JSONRPCMessage, nameHeader: string | undefined, required: boolean): string | null {
  const { method, params } = message as { method?: unknown; params?: Record<string, unknown> };
  const field = typeof method === "string" && Object.hasOwn(MCP_NAME_SOURCE, method) ? MCP_NAME_SOURCE[method] : undefined;
  if (!field) return null;
  const bodyValue = typeof params?.[field] === "string" ? (params[field] as string) : undefined;
  if (nameHeader === undefined) {
    return required && bodyValue !== undefined ? `the body carries params.${field} "${shown(bodyValue)}" but the required Mcp-Name header is absent` : null;
  }
  const decoded = decodeSentinel(nameHeader);
  if (decoded === undefined) return "the Mcp-Name header carries an invalid =?base64?…?= value";
  if (bodyValue !== decoded) {
    return `the body carries params.${field} "${shown(bodyValue ?? "")}" but the Mcp-Name header names "${shown(decoded)}"`;
  }
  return null;
}

// MCP 2026-07-28 streamable HTTP, "Value Encoding": a value that is not plain ASCII travels as =?base64?…?=.
const SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;

function decodeSentinel(value: string): string | undefined {
  if (!(value.startsWith("=?base64?") && value.endsWith("?="))) return value;
  const match = SENTINEL.exec(value);
  if (!match || match[1].length % 4 !== 0) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(match[1], "base64"));
  } catch {
    return undefined;
  }
}

/** RFC 9110 §5.5: optional whitespace around a field value is not part of it. */
function header(request: Request, name: string): string | undefined {
  const value = request.headers.get(name);
  return value === null ? undefined : value.replace(/^[ \t]+|[ \t]+$/g, "");
}

function jsonRpcId(message: JSONRPCMessage): string | number | null {
  const id = (message as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

// What of the request is echoed in an error message: short, printable.
function shown(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 128 ? `${printable.slice(0, 128)}…` : printable;
}

function mismatch(id: string | number | null, why: string): RevisionCheck {
  return refuse(400, JSON_RPC.headerMismatch, `Header mismatch: ${why}.`, id);
}

function unsupported(requested: string, supported: readonly string[], id: string | number | null, where: string): RevisionCheck {
  // MCP 2026-07-28 versioning: UnsupportedProtocolVersionError lists the versions the server does support.
  return refuse(400, JSON_RPC.unsupportedProtocolVersion, `Unsupported protocol version ${shown(requested)} in the ${where}; supported: ${supported.join(", ")}.`, id, {
    supported: [...supported],
    requested: shown(requested),
  });
}

function refuse(status: number, code: number, message: string, id: string | number | null, data?: Record<string, unknown>): RevisionCheck {
  return { ok: false, response: jsonRpcErrorResponse(status, code, message, { id, ...(data ? { data } : {}) }) };
}
