import {
  createMcpHandler,
  isJsonContentType,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type JSONRPCMessage,
  type McpRequestContext,
} from "@modelcontextprotocol/server";
import { env } from "@/lib/env";
import { isDatabaseUnavailable, publicError } from "@/lib/errors";
import { clientIp, requestId } from "@/lib/http/client-address";
import { logger } from "@/lib/logger";
import { authenticateBearer, type Authentication } from "@/lib/mcp/authenticate-bearer";
import { approvalDelivery } from "@/lib/mcp/approval-delivery";
import { authorizeToolCall, type ToolCallTarget } from "@/lib/mcp/authorize-tool-call";
import { bearerChallenge } from "@/lib/mcp/bearer-challenge";
import type { McpCaller } from "@/lib/mcp/caller";
import { buildMcpServer, type LiveToolCall, type McpRequestScope } from "@/lib/mcp/build-mcp-server";
import { checkProtocolRevision, type ProtocolEra } from "@/lib/mcp/check-protocol-revision";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";
import { originAllowed, preflightResponse, withCors } from "@/lib/mcp/origin-policy";
import { resourceMetadataUrl, resourceScopes } from "@/lib/mcp/protected-resource-metadata";
import { describeMessage, MAX_BODY_BYTES, readMcpMessage } from "@/lib/mcp/read-mcp-message";
import { recordDecision, type RequestMeta } from "@/lib/mcp/record-decision";
import { createdTaskResponse, serveApprovalTask, TASK_METHODS } from "@/lib/mcp/serve-approval-task";
import { REFUSALS_PER_MINUTE, throttleRefusal, type RefusalThrottle } from "@/lib/mcp/throttle-refusal";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot } from "@/lib/policy/types";
import type { CallToolResult, Server } from "@modelcontextprotocol/server";
import { processState } from "@/lib/process-state";

/**
 * `/mcp`: the protected MCP endpoint (DESIGN §5). The order of the steps is the policy:
 * 1. Origin — a browser page from elsewhere is refused (403) before anything else is looked at.
 * 2. Method — POST; GET is 405 (no server-initiated messages), OPTIONS is CORS.
 * 3. Body — read once, at most 1 MiB (413).
 * 4. Authentication — a valid, unrevoked token for an active client and an enabled user (401, RFC 6750 §3), before
 *    anything else about the request is judged, so discovery by a 401 works for any POST.
 * 5. Transport headers and message — Accept, Content-Type; one well-formed JSON-RPC message; its protocol revision,
 *    with the mirrored headers (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`) agreeing with the body (406, 415,
 *    400 with a JSON-RPC error, never a 500). From here on the body is the only authority on what is called.
 * 6. Decision — a `tools/call` is decided with the current policy and recorded durably before the tool runs (403
 *    `insufficient_scope` for step-up; 503 if the audit write fails).
 * 7. The v2 SDK serves the message: a 2026-07-28 request through `createMcpHandler` (per-request envelope,
 *    `server/discover`), a 2025-era one through the stateless Streamable HTTP transport with JSON responses, as before.
 * Every refusal at steps 1, 4 and 6 is recorded as a `decision.deny` with its reason; an address that keeps being
 * refused at steps 1 and 4 is throttled (429) so that refusals cannot be used to flood the audit log.
 */
export function handleMcpRequest(request: Request): Promise<Response> {
  return handleProtectedMcpRequest(request, builtinResource());
}

/**
 * A protected MCP resource served by this pipeline: the built-in `/mcp`, or an upstream server's `/mcp/<name>`
 * (lib/gateway, DESIGN §10) — each its own resource, with its own audience, metadata, challenge scopes and tools.
 */
export interface McpResource {
  /** The resource identifier (RFC 8707/9728): an access token's `aud` must be exactly this. */
  url: string;
  /** Its RFC 9728 metadata URL, named in every challenge. */
  metadataUrl: string;
  /** The scopes a client should ask for to use it (challenges). */
  scopes(snapshot: PolicySnapshot): string[];
  /** How its tools are named and whether one is served; the built-in tools when absent. */
  tools?: ToolCallTarget;
  /** Recorded with every decision at this resource (e.g. the upstream server). */
  auditDetail?: Record<string, unknown>;
  /** The SDK server for a request; the built-in one when absent. */
  build?: (scope: McpRequestScope) => Server;
  /**
   * Runs an allowed tool call elsewhere (an upstream) after its decision is recorded: the result for the SDK server to
   * relay, the response to answer with instead (the upstream failed), or a live call the SDK server relays as it
   * happens (the upstream streamed or asked something back first).
   */
  forward?: (scope: McpRequestScope, call: { id: string | number; name: string }, message: JSONRPCMessage, meta: RequestMeta) => Promise<{ result: CallToolResult } | { response: Response } | { live: LiveToolCall }>;
  /**
   * The approval request an earlier round of this same call consumed, when the request is a further round of a call
   * still running elsewhere (an upstream's call that asked the caller something back), bound to this caller, tool and
   * arguments; undefined otherwise. Such a round is not held for approval again.
   */
  continuedApproval?: (caller: McpCaller, tool: string, message: JSONRPCMessage) => string | undefined;
  /**
   * Requests other than tool calls that are decided and then answered elsewhere (an upstream's resources/* and
   * prompts/*): the relayed result, or the response to answer with instead (refused, or the upstream failed).
   */
  passthrough?: {
    methods: ReadonlySet<string>;
    run(scope: McpRequestScope, message: JSONRPCMessage & { id: string | number; method: string }, meta: RequestMeta): Promise<{ result: Record<string, unknown> } | { response: Response }>;
  };
}

let builtin: McpResource | undefined;
function builtinResource(): McpResource {
  return (builtin ??= { url: env().mcpResource, metadataUrl: resourceMetadataUrl(), scopes: resourceScopes });
}

export async function handleProtectedMcpRequest(request: Request, resource: McpResource): Promise<Response> {
  const origin = request.headers.get("origin");
  const known: Known = { meta: { ip: clientIp(request.headers), requestId: requestId(request.headers) } };
  let response: Response;
  try {
    response = withCors(await serve(request, origin, known, resource), origin);
  } catch (error) {
    // The database, AuthKit or WorkOS unreachable, a flood of first-seen clients: refused with their own status
    // (503, 429), never let through. Anything else is a bug: logged, and a 500 that says nothing more.
    const { status, message } = publicError(error);
    if (status === 500) logger.error("mcp request failed", { ...logFields(known.meta), error });
    else logger.warn("mcp request refused", { ...logFields(known.meta), status, reason: message });
    const code = status === 500 ? JSON_RPC.internalError : JSON_RPC.serverError;
    const headers: Record<string, string> = status === 503 || status === 429 ? { "Retry-After": "1" } : {};
    response = withCors(jsonRpcErrorResponse(status, code, status === 500 ? "Internal error; it has been logged." : message, { headers }), origin);
  }
  logger.debug("mcp request", { ...logFields(known.meta), status: response.status });
  return response;
}

/** What is known about the request so far, for the request log line: filled in as the pipeline learns it. */
interface Known {
  meta: RequestMeta;
}

function logFields(meta: RequestMeta): Record<string, unknown> {
  return {
    requestId: meta.requestId,
    ...(meta.method ? { method: meta.method } : {}),
    ...(meta.tool ? { tool: meta.tool } : {}),
    ...(meta.revision ? { protocolEra: meta.revision.era, protocolVersion: meta.revision.version } : {}),
    ...(meta.trace ?? {}),
  };
}

async function serve(request: Request, origin: string | null, known: Known, resource: McpResource): Promise<Response> {
  const meta = known.meta;
  if (!originAllowed(origin)) {
    const throttle = await throttleRefusal(meta.ip);
    if (throttle.throttled) return throttledRefusal(meta, throttle);
    // The header is the sender's to choose: keep what is written and echoed short.
    const shown = origin!.length > 200 ? `${origin!.slice(0, 200)}…` : origin!;
    await recordRefusal(throttle, { decision: "deny", reason: `denied: origin ${shown} is not allowed`, meta, detail: { stage: "origin", check: "origin_allowed", origin: shown, status: 403, ...resource.auditDetail } });
    return jsonRpcErrorResponse(403, JSON_RPC.serverError, `Forbidden: requests from origin ${shown} are not accepted`);
  }
  if (request.method === "OPTIONS") return preflightResponse();
  if (request.method !== "POST") {
    // Streamable HTTP §2.2: a server that offers no server-initiated stream answers GET with 405. Stateless: no
    // session to DELETE either.
    return jsonRpcErrorResponse(405, JSON_RPC.serverError, "Method not allowed: this endpoint accepts POST only.", { headers: { Allow: "POST, OPTIONS" } });
  }
  const message = await readMcpMessage(request);
  if (message.kind === "too_large") {
    return jsonRpcErrorResponse(413, JSON_RPC.invalidRequest, `Payload too large: the request body must not exceed ${MAX_BODY_BYTES} bytes.`);
  }
  const read = describeMessage(message, meta, request.headers);
  // The audit names an upstream's tool by its policy name, `<server>.<tool>`.
  const described = (known.meta = read.tool && resource.tools ? { ...read, tool: resource.tools.policyName(read.tool) } : read);

  const auth = await authenticateBearer(request, resource.url);
  if (!auth.ok) return refuseAuthentication(auth, described, resource);

  const transportProblem = checkTransportHeaders(request);
  if (transportProblem) return transportProblem;

  switch (message.kind) {
    case "not_json":
      return jsonRpcErrorResponse(400, JSON_RPC.parseError, "Parse error: the body is not valid JSON.");
    case "batch":
      return jsonRpcErrorResponse(400, JSON_RPC.invalidRequest, "Invalid request: JSON-RPC batches are not accepted (MCP removed batching in 2025-06-18); send one message per request.");
    case "invalid":
      return jsonRpcErrorResponse(400, message.method === "tools/call" ? JSON_RPC.invalidParams : JSON_RPC.invalidRequest, `Invalid request: ${message.why}.`, { id: message.id });
  }

  const revision = checkProtocolRevision(request, message.message);
  if (!revision.ok) {
    // Not a decision (nothing was asked that could be allowed), but headers naming something the body does not is
    // worth a line: a client bug, or someone probing what an intermediary would let through.
    logger.warn("mcp request refused before any decision", { ...logFields(described), status: revision.response.status });
    return revision.response;
  }
  const decided: RequestMeta = (known.meta = { ...described, revision: revision.revision });

  const scope: McpRequestScope = {
    caller: auth.caller,
    snapshot: auth.snapshot,
    audit: { actor: `user:${auth.caller.userId}`, ip: meta.ip, requestId: meta.requestId },
    build: resource.build,
  };
  const method = (message.message as { method?: unknown }).method;
  const id = (message.message as { id?: unknown }).id;
  if (resource.passthrough && typeof method === "string" && resource.passthrough.methods.has(method) && (typeof id === "string" || typeof id === "number")) {
    const relayed = await resource.passthrough.run(scope, message.message as JSONRPCMessage & { id: string | number; method: string }, decided);
    if ("response" in relayed) return relayed.response;
    scope.relayed = { method, result: relayed.result };
  }
  // Tasks of calls held for approval (the tasks extension): read back by the caller that made them, where they made them.
  if (typeof method === "string" && TASK_METHODS.has(method) && (typeof id === "string" || typeof id === "number")) {
    return serveApprovalTask(message.message as JSONRPCMessage & { id: string | number; method: string }, auth.caller, resource.url, revision.revision.era === "modern", (body, name) => {
      const headers = new Headers(request.headers);
      headers.set("mcp-method", "tools/call");
      headers.set("mcp-name", name);
      headers.delete("content-length");
      return handleProtectedMcpRequest(new Request(request.url, { method: "POST", headers, body: JSON.stringify(body) }), resource);
    });
  }
  if (message.toolCall) {
    const target = resource.tools ? { ...resource.tools, resourceMetadata: resource.metadataUrl, detail: { ...resource.tools.detail, ...resource.auditDetail } } : undefined;
    const continuesApproval = decided.tool ? resource.continuedApproval?.(auth.caller, decided.tool, message.message) : undefined;
    const waiting = { ...approvalDelivery(message.message, revision.revision.era), resource: resource.url, ...(continuesApproval ? { continuesApproval } : {}) };
    const authorization = await authorizeToolCall(auth.caller, auth.snapshot, message.toolCall, decided, target, waiting);
    if (authorization.allowed) {
      scope.allowed = authorization.decision;
      scope.approval = authorization.approvalId;
      if (resource.forward) {
        const forwarded = await resource.forward(scope, message.toolCall, waiting.followUp ? withoutApprovalRound(message.message) : message.message, decided);
        if ("response" in forwarded) return forwarded.response;
        if ("live" in forwarded) scope.live = forwarded.live;
        else scope.forwarded = forwarded.result;
      }
    }
    // A call held for approval is answered by the SDK (the era's result shape), with the held result; nothing runs,
    // nothing is forwarded upstream.
    else if (authorization.held?.delivery === "task" && !authorization.held.ended) return createdTaskResponse(message.toolCall.id, authorization.held);
    else if (authorization.held) scope.held = authorization.held;
    else return authorization.response;
  }
  return serveWithSdk(request, message.message, scope, revision.revision.era, resource);
}

/**
 * A call retried after a URL elicitation of the approval page carries that round's `requestState` (the approval
 * request) and `inputResponses`: Portcullis's own round about the approval, not the upstream's — handed on, it would
 * name no call the upstream is waiting in (whose states are `pcx_` handles) and burn the approval for nothing. The
 * approved call goes upstream as a new call.
 */
function withoutApprovalRound(message: JSONRPCMessage): JSONRPCMessage {
  const { requestState: _state, inputResponses: _responses, ...params } = ((message as { params?: Record<string, unknown> }).params ?? {}) as Record<string, unknown>;
  return { ...message, params } as JSONRPCMessage;
}

/** The transport's own header rules, checked before a decision is recorded, so an allow is never followed by a refusal. */
function checkTransportHeaders(request: Request): Response | null {
  const accept = request.headers.get("accept") ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
    return jsonRpcErrorResponse(406, JSON_RPC.serverError, "Not acceptable: the client must accept both application/json and text/event-stream.");
  }
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return jsonRpcErrorResponse(415, JSON_RPC.serverError, "Unsupported media type: Content-Type must be application/json.");
  }
  return null;
}

async function refuseAuthentication(auth: Extract<Authentication, { ok: false }>, meta: RequestMeta, resource: McpResource): Promise<Response> {
  const throttle = await throttleRefusal(meta.ip);
  if (throttle.throttled) return throttledRefusal(meta, throttle);
  // 400 for a malformed request, 401 otherwise (RFC 6750 §3.1); 403 when a new token would not help.
  const status = auth.error === "invalid_request" ? 400 : auth.error === "forbidden" ? 403 : 401;
  await recordRefusal(throttle, {
    decision: "deny",
    reason: `denied: ${auth.reason}`,
    party: auth.party,
    meta,
    detail: { stage: "authenticate", check: auth.check, status, ...resource.auditDetail },
  });
  if (auth.error === "forbidden") {
    return jsonRpcErrorResponse(403, JSON_RPC.forbidden, `Forbidden: ${auth.reason}.`, { id: meta.jsonRpcId ?? null });
  }
  const snapshot = await policySnapshot();
  const challenge = bearerChallenge({ error: auth.error ?? undefined, scopes: resource.scopes(snapshot), description: auth.reason, resourceMetadata: resource.metadataUrl });
  const message = auth.error === null ? "Unauthorized: an access token is required." : `Unauthorized: ${auth.reason}.`;
  return jsonRpcErrorResponse(status, JSON_RPC.unauthorized, message, { id: meta.jsonRpcId ?? null, headers: { "WWW-Authenticate": challenge } });
}

/**
 * Past the per-address bound on refusals: 429. The first refusal past it in a minute is recorded at once; the rest are
 * counted and summarised in one `throttle.summary` event when the minute closes.
 */
async function throttledRefusal(meta: RequestMeta, throttle: Extract<RefusalThrottle, { throttled: true }>): Promise<Response> {
  if (throttle.firstInWindow) {
    await writeRefusal({
      decision: "deny",
      reason: `denied: more than ${REFUSALS_PER_MINUTE} refused requests a minute from ${meta.ip}; further refusals for ${throttle.retryAfter} s are answered 429 and summarised, not recorded one by one`,
      meta,
      detail: { stage: "throttle", check: "refusal_rate", status: 429 },
    });
  }
  return jsonRpcErrorResponse(429, JSON_RPC.serverError, "Too many refused requests from this address; try again later.", {
    id: meta.jsonRpcId ?? null,
    headers: { "Retry-After": String(throttle.retryAfter) },
  });
}

/** A refusal is recorded before it is answered — one by one while within the deployment-wide bound, else summarised. */
async function recordRefusal(throttle: Extract<RefusalThrottle, { throttled: false }>, event: Parameters<typeof recordDecision>[0]): Promise<void> {
  if (!throttle.record) return;
  if (!throttle.firstSummarised) return writeRefusal(event);
  return writeRefusal({
    ...event,
    reason: `${event.reason} (refusals a minute across every address exceed the bound: further ones this minute are summarised, not recorded one by one)`,
    detail: { ...event.detail, summarisedFromHere: true },
  });
}

/** If the write fails the request is refused all the same. */
async function writeRefusal(event: Parameters<typeof recordDecision>[0]): Promise<void> {
  try {
    await recordDecision(event);
  } catch (error) {
    // Refused all the same. The database being down is expected now and then (and logged once per request anyway).
    const log = isDatabaseUnavailable(error) ? logger.warn : logger.error;
    log("mcp refusal could not be recorded", { requestId: event.meta.requestId, reason: event.reason, error: isDatabaseUnavailable(error) ? String((error as Error).message).split("\n").filter(Boolean).pop() : error });
  }
}

// The request's scope travels to the per-request server factory inside the AuthInfo the SDK passes through untouched.
const SCOPE_KEY = "portcullisScope";

function authInfoFor(scope: McpRequestScope, resource: McpResource): AuthInfo {
  const { caller } = scope;
  return {
    token: caller.token,
    clientId: caller.clientId,
    scopes: caller.scopes,
    expiresAt: caller.expiresAt,
    resource: new URL(resource.url),
    extra: { userId: caller.userId, grantId: caller.grantId, jti: caller.jti, issuer: caller.issuer, [SCOPE_KEY]: scope },
  };
}

function serverForRequest(context: McpRequestContext) {
  const scope = context.authInfo?.extra?.[SCOPE_KEY] as McpRequestScope | undefined;
  // Unreachable through handleMcpRequest; refuse rather than serve a request nobody authenticated.
  if (!scope) throw new Error("an MCP server was requested for a request that passed no authentication");
  return (scope.build ?? buildMcpServer)(scope);
}

// One handler per process: it holds no per-request state (the factory builds a server per request), only the bus
// for `subscriptions/listen`, which this server never publishes on. 2025-era requests never reach it.
const modern = processState("mcp-modern-handler", () => ({
  handler: createMcpHandler(serverForRequest, {
    legacy: "reject",
    onerror: (error) => logger.warn("mcp request refused or failed inside the SDK", { error }),
  }),
}));

async function serveWithSdk(request: Request, message: JSONRPCMessage, scope: McpRequestScope, era: ProtocolEra, resource: McpResource): Promise<Response> {
  const authInfo = authInfoFor(scope, resource);
  if (era === "modern") return modern.handler.fetch(request, { authInfo, parsedBody: message });
  // 2025-era: the SDK's stateless idiom (a fresh transport and server per request, no sessions), answering in JSON.
  // A live upstream call streams its notifications as they happen: SSE for that response only.
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: !scope.live });
  const server = (scope.build ?? buildMcpServer)(scope);
  await server.connect(transport);
  // In JSON mode the pair is not closed afterwards: the answer is made only once every handler of the message has
  // returned, so it holds no timer, stream or request in flight by then and is simply dropped. Closing it settled
  // nothing and built an Error with its stack trace ("Connection closed") on every call (bench/README.md, bench:mcp).
  if (!scope.live) return transport.handleRequest(request, { parsedBody: message, authInfo });
  const close = () => void server.close().catch(() => {});
  let response: Response;
  try {
    response = await transport.handleRequest(request, { parsedBody: message, authInfo });
  } catch (error) {
    close();
    throw error;
  }
  if (!response.body) {
    close();
    return response;
  }
  // The stream is still being written: the server closes when it ends, or when the caller goes away.
  request.signal?.addEventListener("abort", close, { once: true });
  return new Response(response.body.pipeThrough(new TransformStream({ flush: close })), { status: response.status, headers: response.headers });
}
