import { recordedArguments } from "@/lib/audit/recorded-arguments";
import { isDatabaseUnavailable } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { bearerChallenge } from "@/lib/mcp/bearer-challenge";
import type { McpCaller } from "@/lib/mcp/caller";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";
import { noteUsage } from "@/lib/usage/note-usage";
import type { ToolCall } from "@/lib/mcp/read-mcp-message";
import { recordDecision, type RequestMeta } from "@/lib/mcp/record-decision";
import { findTool } from "@/lib/mcp/tools";
import { awaitApprovalDecision } from "@/lib/approvals/await-approval-decision";
import { holdCall, type HoldOutcome } from "@/lib/approvals/hold-call";
import { approvalPageUrl } from "@/lib/approvals/notify-approval-request";
import { env } from "@/lib/env";
import type { ApprovalDelivery } from "@/lib/mcp/approval-delivery";
import { decide, type Decision } from "@/lib/policy/decide";
import type { PolicySnapshot } from "@/lib/policy/types";

/** A call the policy allows but a second person must approve first: answered with a tool result saying so. */
export interface HeldCall {
  tool: string;
  requestId: string;
  message: string;
  details: Record<string, unknown>;
  /** How the caller waits, when its client declared support: a task, or a URL elicitation of the approval page. */
  delivery?: "task" | "elicitation";
  /** The request this call followed up was decided against it (denied) or ran out (expired, void): nothing to wait for. */
  ended?: string;
  expiresAt?: Date;
  approvalUrl: string;
}

/** The tool result a held call is answered with: not run, and what happens next (the same at /mcp and /mcp/<server>). */
export function heldCallResult(held: HeldCall): { content: Array<{ type: "text"; text: string }>; structuredContent: Record<string, unknown>; isError: true } {
  return { content: [{ type: "text", text: held.message }], structuredContent: held.details, isError: true };
}

/**
 * A held call is `allowed: false` — a pipeline that knows nothing of approvals answers `response` (the held tool result
 * as plain JSON-RPC) and never runs or forwards the call; `/mcp` serves `held` through the SDK instead.
 */
export type ToolCallAuthorization = { allowed: true; decision: Decision; approvalId?: string } | { allowed: false; response: Response; held?: HeldCall };

/**
 * What the resource knows about how the caller waits for an approval, and `continuesApproval`: the approval request an
 * earlier round of this very call already consumed, when this request is its next round (a gateway call that asked the
 * caller something back, MCP 2026-07-28 multi round-trip). Such a round is decided again under the current policy,
 * but not held again: the approval covered the call, and the call is already running upstream.
 */
export type ApprovalWaiting = ApprovalDelivery & { resource?: string; continuesApproval?: string };

/** How a resource names and serves its tools: /mcp its built-in ones, /mcp/<server> an upstream's (lib/gateway). */
export interface ToolCallTarget {
  /** The policy's name for the tool the body names (`<server>.<tool>` for an upstream's). */
  policyName(name: string): string;
  /** True when this resource can serve the tool right now. */
  served(policyName: string): boolean;
  /** The resource's RFC 9728 metadata URL, for challenges. */
  resourceMetadata?: string;
  /** What the decision event records about the resource besides the tool (e.g. the upstream server). */
  detail?: Record<string, unknown>;
}

const BUILTIN_TARGET: ToolCallTarget = { policyName: (name) => name, served: (name) => findTool(name) !== undefined };

/**
 * Decides a `tools/call` with the current policy (DESIGN §1) and records the decision durably before anything runs.
 * Allowed → the caller may run the tool. Denied → the answer to send:
 * - the token lacks the tool's scope (the only denial re-authorization can cure): HTTP 403 with an RFC 6750
 *   `insufficient_scope` challenge listing the scopes the call needs (see `challengeScopes`);
 * - any other policy denial (client not allowed the scope, no role grants it): HTTP 403 without a challenge, since
 *   asking for the scope again would not help;
 * - a tool that does not exist: the JSON-RPC "Unknown tool" error (MCP tools §error handling).
 * If the decision cannot be recorded the call is refused (fail closed), whatever the decision was.
 */
export async function authorizeToolCall(
  caller: McpCaller,
  snapshot: PolicySnapshot,
  call: ToolCall,
  meta: RequestMeta,
  target: ToolCallTarget = BUILTIN_TARGET,
  waiting: ApprovalWaiting = {},
): Promise<ToolCallAuthorization> {
  const policyName = target.policyName(call.name);
  const decided = decide(snapshot, {
    userId: caller.userId,
    clientId: caller.clientId,
    tokenScopes: caller.scopes,
    extraRoles: caller.extraRoles,
    tool: policyName,
    args: call.args ?? {},
  });
  // A tool row with no code behind it (removed, not yet synced), or one of another resource, cannot run here: unknown.
  const decision: Decision =
    decided.failedCheck !== "tool_exists" && !target.served(policyName)
      ? { ...decided, allow: false, failedCheck: "tool_exists", reason: `tool ${call.name} is not served by this resource` }
      : decided;
  const status = decision.allow ? 200 : decision.failedCheck === "tool_exists" ? 200 : 403;
  let held: HeldCall | undefined;
  let approvalId: string | undefined;
  try {
    if (decision.allow && snapshot.approvals?.has(decision.tool)) {
      // The retry after a URL elicitation: the approver gets a bounded wait to decide before the caller is asked again.
      const ended = waiting.followUp && !waiting.continuesApproval ? await followUp(waiting.followUp, caller, decision.tool, call.args ?? {}) : null;
      if (waiting.continuesApproval) approvalId = waiting.continuesApproval;
      else if (ended) held = endedCall(decision.tool, waiting.followUp!, ended);
      else {
        const outcome = await holdCall(
          snapshot,
          { userId: caller.userId, clientId: caller.clientId, tool: decision.tool, args: call.args ?? {}, extraRoles: caller.extraRoles, delivery: waiting.delivery, resource: waiting.resource, callName: call.name },
          decision,
          meta,
        );
        if (outcome.kind === "run") approvalId = outcome.approvalId;
        else held = { ...heldCall(decision.tool, outcome), delivery: waiting.delivery };
      }
    }
    await recordDecision({
      decision: decision.allow && !held ? "allow" : "deny",
      reason: held?.ended
        ? `${decision.reason} → approval request ${held.requestId} ${held.ended}`
        : held
          ? `${decision.reason} → approval required (request ${held.requestId})`
          : approvalId
            ? `${decision.reason} → approved (request ${approvalId}${waiting.continuesApproval ? "; a further round of the call it approved" : ""})`
            : decision.reason,
      party: caller,
      meta,
      detail: {
        stage: "authorize",
        check: held?.ended ? `approval_${held.ended}` : held ? "approval_required" : (decision.failedCheck ?? "allowed"),
        requiredScope: decision.requiredScope,
        status,
        ...target.detail,
        ...(held ? { approvalRequest: held.requestId } : approvalId ? { approvalRequest: approvalId } : {}),
        ...recordedArguments(call.args),
      },
    });
  } catch (error) {
    // With the database down this is expected (a warning); any other failure to record is a bug worth an error.
    const outage = isDatabaseUnavailable(error);
    (outage ? logger.warn : logger.error)("mcp decision could not be recorded; refusing the call", {
      requestId: meta.requestId,
      tool: call.name,
      error: outage ? String((error as Error).message).split("\n").filter(Boolean).pop() : error,
    });
    return {
      allowed: false,
      response: jsonRpcErrorResponse(503, JSON_RPC.unavailable, "The decision could not be recorded in the audit log, so the call was refused. Try again shortly.", {
        id: call.id,
        headers: { "Retry-After": "1" },
      }),
    };
  }
  if (held) {
    return { allowed: false, held, response: Response.json({ jsonrpc: "2.0", id: call.id, result: heldCallResult(held) }) };
  }
  if (decision.allow) {
    noteUsage(caller.clientId, caller.grantId);
    return { allowed: true, decision, ...(approvalId ? { approvalId } : {}) };
  }
  return { allowed: false, response: denialResponse(decision, caller, call, meta, target) };
}

/** The request a retried call follows up, if it ended against the call (denied, expired, void); else null. */
async function followUp(requestId: string, caller: McpCaller, tool: string, args: Record<string, unknown>): Promise<string | null> {
  const status = await awaitApprovalDecision(requestId, { userId: caller.userId, clientId: caller.clientId, tool, argsSha256: recordedArguments(args).argsSha256 as string }, env().approvals.waitMs);
  return status === "denied" || status === "expired" || status === "void" ? status : null;
}

function endedCall(tool: string, requestId: string, ended: string): HeldCall {
  const why = ended === "denied" ? "was denied by an approver" : ended === "expired" ? "expired before anyone approved it" : "is void (the policy or your roles changed)";
  return {
    tool,
    requestId,
    ended,
    approvalUrl: approvalPageUrl(requestId),
    message: `This call to ${tool} did not run: approval request ${requestId} ${why}. Making the call again starts a new request.`,
    details: { approval_request: requestId, status: ended },
  };
}

/** What the caller reads: plainly what happens next, and the request to point an approver at. */
function heldCall(tool: string, outcome: Extract<HoldOutcome, { kind: "held" }>): HeldCall {
  const approvers = outcome.approverRoles.length > 0 ? outcome.approverRoles.join(", ") : "iam_admin";
  return {
    tool,
    requestId: outcome.requestId,
    expiresAt: outcome.expiresAt,
    approvalUrl: approvalPageUrl(outcome.requestId),
    message:
      `This call to ${tool} needs a second person's approval before it runs, so it did not run. Approval request ${outcome.requestId} ` +
      `is waiting for someone holding ${approvers} (not you); it expires at ${outcome.expiresAt.toISOString()}. Once it is approved, make ` +
      `exactly the same call again — same arguments — and it will run, once. Different arguments need their own approval.`,
    details: { approval_request: outcome.requestId, status: "pending", approver_roles: outcome.approverRoles, expires_at: outcome.expiresAt.toISOString() },
  };
}

/** Never asked for by a resource: refresh tokens are the authorization server's business (MCP 2026-07-28, refresh tokens). */
const NOT_A_RESOURCE_SCOPE = "offline_access";

/**
 * The `scope` of an `insufficient_scope` challenge: every scope the call needs, in one challenge (a tool needs exactly
 * one). MCP 2026-07-28 makes scope accumulation the client's job (it requests the union of what it had and what is
 * challenged), so a modern request is challenged with only what the call needs. 2025-era clients (the v1 SDK among
 * them) re-authorize with the challenged scopes as they stand, so for them the challenge also repeats what the token
 * already holds, as 2025-11-25 recommends, lest a step-up lose it. Neither ever names `offline_access`.
 */
export function challengeScopes(required: readonly string[], caller: Pick<McpCaller, "scopes">, meta: Pick<RequestMeta, "revision">): string[] {
  const held = meta.revision?.era === "modern" ? [] : caller.scopes;
  return [...new Set([...held, ...required])].filter((scope) => scope !== NOT_A_RESOURCE_SCOPE);
}

function denialResponse(decision: Decision, caller: McpCaller, call: ToolCall, meta: RequestMeta, target: ToolCallTarget): Response {
  if (decision.failedCheck === "tool_exists") {
    return jsonRpcErrorResponse(200, JSON_RPC.invalidParams, `Unknown tool: ${call.name}`, { id: call.id });
  }
  const required = decision.requiredScope!;
  if (decision.failedCheck === "token_scope") {
    const scopes = challengeScopes([required], caller, meta);
    return jsonRpcErrorResponse(403, JSON_RPC.forbidden, `Insufficient scope: the ${call.name} tool requires the ${required} scope. Re-authorize with it to continue.`, {
      id: call.id,
      data: { requiredScope: required, tool: call.name },
      headers: {
        "WWW-Authenticate": bearerChallenge({
          error: "insufficient_scope",
          scopes,
          description: `The ${call.name} tool requires the ${required} scope`,
          resourceMetadata: target.resourceMetadata,
        }),
      },
    });
  }
  if (decision.failedCheck === "condition") {
    // Plain 403: no token, scope or step-up can change what the arguments are.
    const last = decision.path[decision.path.length - 1];
    return jsonRpcErrorResponse(403, JSON_RPC.forbidden, `Forbidden: the arguments of this call to ${call.name} do not meet the condition on it (condition ${last.label}). Reason: ${decision.reason}`, {
      id: call.id,
      data: { tool: call.name, check: "condition", error_description: `condition ${last.label}`, reason: decision.reason },
    });
  }
  return jsonRpcErrorResponse(403, JSON_RPC.forbidden, `Forbidden: ${decision.reason}`, {
    id: call.id,
    data: { requiredScope: required, tool: call.name, check: decision.failedCheck },
  });
}
