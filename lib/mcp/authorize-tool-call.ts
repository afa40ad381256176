import { isDatabaseUnavailable } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { bearerChallenge } from "@/lib/mcp/bearer-challenge";
import type { McpCaller } from "@/lib/mcp/caller";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";
import { noteUsage } from "@/lib/usage/note-usage";
import { recordDecision, type RequestMeta } from "@/lib/mcp/record-decision";
import { findTool } from "@/lib/mcp/tools";
import { decide, type Decision } from "@/lib/policy/decide";
import type { PolicySnapshot } from "@/lib/policy/types";

export type ToolCallAuthorization = { allowed: true; decision: Decision } | { allowed: false; response: Response };

/**
 * Decides a `tools/call` with the current policy (DESIGN §1) and records the decision durably before anything runs.
 * Allowed → the caller may run the tool. Denied → the answer to send:
 * - the token lacks the tool's scope (the only denial re-authorization can cure): HTTP 403 with an RFC 6750
 *   `insufficient_scope` challenge naming the needed scope plus those already granted (MCP authorization, scope
 *   challenge handling), so the client can step up without losing what it has;
 * - any other policy denial (client not allowed the scope, no role grants it): HTTP 403 without a challenge, since
 *   asking for the scope again would not help;
 * - a tool that does not exist: the JSON-RPC "Unknown tool" error (MCP tools §error handling).
 * If the decision cannot be recorded the call is refused (fail closed), whatever the decision was.
 */
export async function authorizeToolCall(
  caller: McpCaller,
  snapshot: PolicySnapshot,
  call: { id: string | number; name: string },
  meta: RequestMeta,
): Promise<ToolCallAuthorization> {
  const decided = decide(snapshot, {
    userId: caller.userId,
    clientId: caller.clientId,
    tokenScopes: caller.scopes,
    extraRoles: caller.extraRoles,
    tool: call.name,
  });
  // A tool row with no code behind it (removed, not yet synced) cannot run: treat it as unknown.
  const decision: Decision =
    decided.allow && !findTool(call.name)
      ? { ...decided, allow: false, failedCheck: "tool_exists", reason: `tool ${call.name} is not served by this instance` }
      : decided;
  const status = decision.allow ? 200 : decision.failedCheck === "tool_exists" ? 200 : 403;
  try {
    await recordDecision({
      decision: decision.allow ? "allow" : "deny",
      reason: decision.reason,
      party: caller,
      meta,
      detail: {
        stage: "authorize",
        check: decision.failedCheck ?? "allowed",
        requiredScope: decision.requiredScope,
        status,
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
  if (decision.allow) {
    noteUsage(caller.clientId, caller.grantId);
    return { allowed: true, decision };
  }
  return { allowed: false, response: denialResponse(decision, caller, call) };
}

function denialResponse(decision: Decision, caller: McpCaller, call: { id: string | number; name: string }): Response {
  if (decision.failedCheck === "tool_exists") {
    return jsonRpcErrorResponse(200, JSON_RPC.invalidParams, `Unknown tool: ${call.name}`, { id: call.id });
  }
  const required = decision.requiredScope!;
  if (decision.failedCheck === "token_scope") {
    const scopes = [...new Set([...caller.scopes, required])];
    return jsonRpcErrorResponse(403, JSON_RPC.forbidden, `Insufficient scope: the ${call.name} tool requires the ${required} scope. Re-authorize with it to continue.`, {
      id: call.id,
      data: { requiredScope: required, tool: call.name },
      headers: {
        "WWW-Authenticate": bearerChallenge({
          error: "insufficient_scope",
          scopes,
          description: `The ${call.name} tool requires the ${required} scope`,
        }),
      },
    });
  }
  return jsonRpcErrorResponse(403, JSON_RPC.forbidden, `Forbidden: ${decision.reason}`, {
    id: call.id,
    data: { requiredScope: required, tool: call.name, check: decision.failedCheck },
  });
}
