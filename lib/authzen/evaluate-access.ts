import { decide, type Decision } from "@/lib/policy/decide";
import type { PolicySnapshot } from "@/lib/policy/types";
import type { EvaluationRequest } from "@/lib/authzen/authzen-request";

/** AuthZEN Decision (§3.5) with Portcullis's context: the reason path and the check that failed, as at /mcp. */
export interface AccessDecision {
  decision: boolean;
  context: { reason_path: string; failed_check: string | null };
}

/** What the decision event records about one evaluation. */
export interface EvaluatedAccess {
  answer: AccessDecision;
  userId: string | null;
  clientId: string | null;
  tool: string | null;
  action: string;
  args?: Record<string, unknown>;
}

const CALL_ACTIONS = new Set(["call", "tools/call"]);
const LIST_ACTIONS = new Set(["list", "tools/list"]);
const SUBJECT_TYPES = new Set(["user", "identity"]);
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * One AuthZEN evaluation, mapped as the COAZ MCP binding maps a tool call: subject = the user (by id or e-mail),
 * resource `{type: "tool", id: <tool>}`, action `call` (or `tools/call`) and `list` (or `tools/list`), `context.client`
 * (or the binding's `context.agent`) = the MCP client, `context.args` = the call's arguments. Decided by the same
 * `decide` as `/mcp`: a `call` judges the tool's conditions over the arguments; a `list` asks whether the tool may be
 * used at all. `context.scopes` (the caller's token scopes, when the enforcement point knows them) is judged too; when
 * absent, only the user's roles and the client's allow-list are. Never throws: what cannot be mapped is a denial.
 */
export function evaluateAccess(snapshot: PolicySnapshot, request: EvaluationRequest): EvaluatedAccess {
  const ctx = request.context ?? {};
  const action = request.action.name;
  const tool = request.resource.type === "tool" && TOOL_NAME.test(request.resource.id) ? request.resource.id : null;
  const clientId = clientOf(ctx);
  const userId = resolveUser(snapshot, request.subject);
  const refused = (check: string, why: string): EvaluatedAccess => ({
    answer: { decision: false, context: { reason_path: `denied: ${why}`, failed_check: check } },
    userId,
    clientId,
    tool,
    action,
  });
  if (!SUBJECT_TYPES.has(request.subject.type)) return refused("subject_type", `subject type ${short(request.subject.type)} is not a user (use "user" or "identity")`);
  if (request.resource.type !== "tool") return refused("resource_type", `resource type ${short(request.resource.type)} is not governed here (only "tool")`);
  if (!tool) return refused("tool_exists", "the resource id is not a tool name");
  const isCall = CALL_ACTIONS.has(action);
  if (!isCall && !LIST_ACTIONS.has(action)) return refused("action", `action ${short(action)} is not "call" or "list"`);
  if (!clientId) return refused("client_active", "context.client (the MCP client's id) is required");
  const args = ctx.args;
  if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) return refused("arguments", "context.args must be an object");
  const scopes = scopesOf(ctx.scopes);
  if (scopes === "invalid") return refused("token_scope", "context.scopes must be a space-separated string or an array of strings");

  const decision: Decision = decide(snapshot, {
    userId: userId ?? request.subject.id,
    clientId,
    tokenScopes: scopes ?? [...snapshot.scopes],
    tool,
    args: isCall ? ((args as Record<string, unknown> | undefined) ?? {}) : undefined,
  });
  if (decision.allow && isCall && snapshot.approvals?.has(tool)) {
    // A call that needs a second person's approval can be held only where it is served (/mcp): never permitted here.
    return { ...refused("approval_required", "approval required: this tool's calls need a second person's approval, given only for calls made through Portcullis"), args: (args as Record<string, unknown> | undefined) ?? {} };
  }
  return {
    answer: { decision: decision.allow, context: { reason_path: decision.reason, failed_check: decision.failedCheck } },
    userId,
    clientId,
    tool,
    action,
    ...(isCall ? { args: (args as Record<string, unknown> | undefined) ?? {} } : {}),
  };
}

function resolveUser(snapshot: PolicySnapshot, subject: EvaluationRequest["subject"]): string | null {
  if (snapshot.users.has(subject.id)) return subject.id;
  const email = subject.id.toLowerCase();
  for (const user of snapshot.users.values()) if (user.email.toLowerCase() === email) return user.id;
  return null;
}

function clientOf(ctx: Record<string, unknown>): string | null {
  const value = ctx.client ?? ctx.agent;
  const id = typeof value === "string" ? value : typeof value === "object" && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === "string" && id.length > 0 && id.length <= 2048 ? id : null;
}

function scopesOf(value: unknown): string[] | null | "invalid" {
  if (value === undefined) return null;
  if (typeof value === "string") return value.split(" ").filter(Boolean);
  if (Array.isArray(value) && value.every((s) => typeof s === "string")) return value as string[];
  return "invalid";
}

const short = (text: string) => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
