import { userEffectiveScopes, type HeldRole } from "@/lib/policy/effective-scopes";
import { effectiveRoleNames, grantRoutes, judgeRoutes } from "@/lib/policy/condition-routes";
import { formatReason, type PolicySnapshot, type ReasonStep } from "@/lib/policy/types";

export interface DecisionRequest {
  userId: string;
  clientId: string;
  /** The scopes the access token carries. */
  tokenScopes: readonly string[];
  tool: string;
  /** Roles the caller holds through an external issuer's role mapping (AuthKit mode). */
  extraRoles?: readonly HeldRole[];
  /**
   * The call's arguments. Present for a call, when the tool's conditions are evaluated over them; absent when asking
   * whether the tool may be used at all (`tools/list`, AuthZEN `list`), when conditions cannot be judged and so are
   * not.
   */
  args?: Record<string, unknown>;
  /** The time conditions see as `now` (defaults to the current time). */
  now?: Date;
}

export type DecisionCheck =
  | "tool_exists"
  | "tool_accepted"
  | "client_active"
  | "user_enabled"
  | "user_scope"
  | "client_allows"
  | "token_scope"
  | "condition";

export interface Decision {
  allow: boolean;
  tool: string;
  requiredScope: string | null;
  /** The failing check, when denied. `token_scope` alone is curable by step-up authorization. */
  failedCheck: DecisionCheck | null;
  path: ReasonStep[];
  reason: string;
}

interface Context {
  snapshot: PolicySnapshot;
  request: DecisionRequest;
  requiredScope: string;
  userPath?: ReasonStep[];
  /** Set by the condition check: the whole path, tool and conditions included, allowed or denied. */
  fullPath?: ReasonStep[];
}

type Check = { name: DecisionCheck; run(ctx: Context): string | null };

/**
 * Decision = token.scope ∩ effectiveScopes(user, now) ∩ client.allowedScopes ∋ tool.requiredScope, with the client
 * active and the user enabled (DESIGN §1), and — for a call — on some route to the scope every condition of its roles
 * true over the call's arguments (DESIGN §11). Each rule is one check; they run in this order and the first to fail
 * names the broken link. Conditions come last: they cost the most, and a missing token scope (curable by step-up)
 * must be reported as such.
 */
const CHECKS: Check[] = [
  {
    // DESIGN §10 (tool pinning): a mirrored tool that is new or changed upstream waits for an admin's review.
    name: "tool_accepted",
    run: ({ snapshot, request }) => (snapshot.tools.get(request.tool)!.state === "held" ? "tool definition changed; awaiting review" : null),
  },
  {
    name: "client_active",
    run: ({ snapshot, request }) => {
      const client = snapshot.clients.get(request.clientId);
      if (!client) return `client ${request.clientId} is not registered`;
      return client.status === "active" ? null : `client ${client.name} is ${client.status}`;
    },
  },
  {
    name: "user_enabled",
    run: ({ snapshot, request }) => {
      const user = snapshot.users.get(request.userId);
      if (!user) return `user ${request.userId} does not exist`;
      return user.disabled ? `user ${user.email} is disabled` : null;
    },
  },
  {
    name: "user_scope",
    run: (ctx) => {
      const scopes = userEffectiveScopes(ctx.snapshot, ctx.request.userId, ctx.request.extraRoles);
      ctx.userPath = scopes.get(ctx.requiredScope);
      if (ctx.userPath) return null;
      const user = ctx.snapshot.users.get(ctx.request.userId)!;
      return `user ${user.email} has no role granting ${ctx.requiredScope}`;
    },
  },
  {
    name: "client_allows",
    run: ({ snapshot, request, requiredScope }) => {
      const client = snapshot.clients.get(request.clientId)!;
      return client.allowedScopes.includes(requiredScope)
        ? null
        : `client ${client.name} is not allowed ${requiredScope}`;
    },
  },
  {
    name: "token_scope",
    run: ({ request, requiredScope }) =>
      request.tokenScopes.includes(requiredScope)
        ? null
        : `token scope lacks ${requiredScope} (granted: ${request.tokenScopes.join(" ") || "none"})`,
  },
  {
    name: "condition",
    run: (ctx) => {
      const { snapshot, request, requiredScope } = ctx;
      if (request.args === undefined || !snapshot.conditions?.get(request.tool)?.size) return null;
      const routes = grantRoutes(snapshot, request.userId, request.extraRoles ?? [], requiredScope, request.tool);
      const user = snapshot.users.get(request.userId)!;
      const client = snapshot.clients.get(request.clientId)!;
      const dot = request.tool.indexOf(".");
      const verdict = judgeRoutes(routes, { kind: "tool", label: request.tool }, {
        args: request.args,
        user: { id: user.id, email: user.email, roles: effectiveRoleNames(snapshot, request.userId, request.extraRoles ?? []) },
        client: { id: client.id, name: client.name, source: client.source ?? "" },
        tool: { name: request.tool, server: dot > 0 ? request.tool.slice(0, dot) : "" },
        now: request.now ?? new Date(),
      });
      ctx.fullPath = verdict.path;
      return verdict.allow ? null : verdict.failure;
    },
  },
];

export function decide(snapshot: PolicySnapshot, request: DecisionRequest): Decision {
  const tool = snapshot.tools.get(request.tool);
  if (!tool) {
    const path: ReasonStep[] = [{ kind: "check", label: `tool ${request.tool} does not exist` }];
    return { allow: false, tool: request.tool, requiredScope: null, failedCheck: "tool_exists", path, reason: formatReason(path) };
  }
  const ctx: Context = { snapshot, request, requiredScope: tool.requiredScope };
  for (const check of CHECKS) {
    const failure = check.run(ctx);
    if (failure !== null) {
      // A condition's denial is its own link of the path (`… → tool t → condition "…" false`).
      const path: ReasonStep[] = ctx.fullPath ?? [...(ctx.userPath ?? []), { kind: "check", label: `denied: ${failure}` }];
      return {
        allow: false,
        tool: tool.name,
        requiredScope: tool.requiredScope,
        failedCheck: check.name,
        path,
        reason: formatReason(path),
      };
    }
  }
  const path: ReasonStep[] = ctx.fullPath ?? [...ctx.userPath!, { kind: "tool", label: tool.name }];
  return { allow: true, tool: tool.name, requiredScope: tool.requiredScope, failedCheck: null, path, reason: formatReason(path) };
}

/** The tools a caller may call right now: what `tools/list` shows. */
export function allowedTools(snapshot: PolicySnapshot, request: Omit<DecisionRequest, "tool">): string[] {
  return [...snapshot.tools.keys()].filter((tool) => decide(snapshot, { ...request, tool }).allow);
}
