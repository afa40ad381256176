import { userEffectiveScopes, type HeldRole } from "@/lib/policy/effective-scopes";
import { formatReason, type PolicySnapshot, type ReasonStep } from "@/lib/policy/types";

export interface DecisionRequest {
  userId: string;
  clientId: string;
  /** The scopes the access token carries. */
  tokenScopes: readonly string[];
  tool: string;
  /** Roles the caller holds through an external issuer's role mapping (AuthKit mode). */
  extraRoles?: readonly HeldRole[];
}

export type DecisionCheck = "tool_exists" | "tool_accepted" | "client_active" | "user_enabled" | "user_scope" | "client_allows" | "token_scope";

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
}

type Check = { name: DecisionCheck; run(ctx: Context): string | null };

/**
 * Decision = token.scope ∩ effectiveScopes(user, now) ∩ client.allowedScopes ∋ tool.requiredScope, with the client
 * active and the user enabled (DESIGN §1). Each rule is one check; they run in this order and the first to fail
 * names the broken link.
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
      const path: ReasonStep[] = [...(ctx.userPath ?? []), { kind: "check", label: `denied: ${failure}` }];
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
  const path: ReasonStep[] = [...ctx.userPath!, { kind: "tool", label: tool.name }];
  return { allow: true, tool: tool.name, requiredScope: tool.requiredScope, failedCheck: null, path, reason: formatReason(path) };
}

/** The tools a caller may call right now: what `tools/list` shows. */
export function allowedTools(snapshot: PolicySnapshot, request: Omit<DecisionRequest, "tool">): string[] {
  return [...snapshot.tools.keys()].filter((tool) => decide(snapshot, { ...request, tool }).allow);
}
