import { evaluateCondition, type ConditionInput, type ConditionOutcome } from "@/lib/conditions/evaluate-condition";
import { ancestorIds, type HeldRole } from "@/lib/policy/effective-scopes";
import type { PolicySnapshot, ReasonStep, ToolConditionNode } from "@/lib/policy/types";

/** One way a user holds a tool's scope: the reason path, and the conditions of the roles it passes through. */
export interface GrantRoute {
  path: ReasonStep[];
  conditions: ToolConditionNode[];
}

/** Enough for any real role graph; a pathological one is judged on its first routes (and so denies sooner). */
const MAX_ROUTES = 64;

/**
 * Every route by which a user holds `scope`: from a held role up its parents to the first role that owns the scope.
 * A condition on (role, tool) travels with the permission: it applies on every route through that role, so a role
 * inheriting a restricted role is restricted the same way, and the conditions along one route must all hold.
 */
export function grantRoutes(snapshot: PolicySnapshot, userId: string, extraRoles: readonly HeldRole[], scope: string, tool: string): GrantRoute[] {
  const user = snapshot.users.get(userId);
  if (!user || user.disabled) return [];
  const conditions = snapshot.conditions?.get(tool);
  const routes: GrantRoute[] = [];
  const held: HeldRole[] = [...user.roleIds.map((roleId) => ({ roleId })), ...extraRoles];
  const walk = (roleId: string, path: ReasonStep[], onRoute: ToolConditionNode[], seen: Set<string>) => {
    if (routes.length >= MAX_ROUTES) return;
    const role = snapshot.roles.get(roleId);
    if (!role) return;
    const here = conditions?.get(roleId);
    const routeConditions = here ? [...onRoute, here] : onRoute;
    if (role.scopes.includes(scope)) {
      routes.push({ path: [...path, { kind: "scope", label: scope }], conditions: routeConditions });
      return;
    }
    for (const parentId of role.parentIds) {
      const parent = snapshot.roles.get(parentId);
      if (!parent || seen.has(parentId)) continue;
      walk(parentId, [...path, { kind: "inherits", label: parent.name }], routeConditions, new Set([...seen, parentId]));
    }
  };
  const start: ReasonStep = { kind: "user", label: user.email };
  for (const { roleId, via } of held) {
    const role = snapshot.roles.get(roleId);
    if (!role) continue;
    walk(roleId, [start, ...(via ? [{ kind: "mapped" as const, label: via }] : []), { kind: "role", label: role.name }], [], new Set([roleId]));
  }
  // Unconditional routes first (nothing to evaluate), then the shortest.
  return routes.sort((a, b) => a.conditions.length - b.conditions.length || a.path.length - b.path.length);
}

export type RouteVerdict =
  | { allow: true; path: ReasonStep[] }
  | { allow: false; path: ReasonStep[]; failure: string };

/**
 * Judges a call by its routes: allowed if on some route every condition holds (any path that allows wins); denied
 * otherwise, with the first route's path ending in the condition that failed. Each condition is evaluated at most
 * once per call.
 */
export function judgeRoutes(routes: GrantRoute[], toolStep: ReasonStep, input: ConditionInput): RouteVerdict {
  const outcomes = new Map<ToolConditionNode, ConditionOutcome>();
  const outcome = (condition: ToolConditionNode): ConditionOutcome => {
    let known = outcomes.get(condition);
    if (!known) {
      known = condition.compiled ? evaluateCondition(condition.compiled, input) : { result: "error", error: `it does not compile: ${condition.compileError}` };
      outcomes.set(condition, known);
    }
    return known;
  };
  let firstDenial: { path: ReasonStep[]; failure: string } | null = null;
  for (const route of routes) {
    const steps: ReasonStep[] = [];
    let failed: string | null = null;
    for (const condition of route.conditions) {
      const result = outcome(condition);
      const shown = `"${condition.expression}"`;
      if (result.result === true) {
        steps.push({ kind: "condition", label: `${shown} true` });
        continue;
      }
      const label = result.result === false ? `${shown} false` : `${shown} failed: ${result.error}`;
      steps.push({ kind: "condition", label });
      failed = label;
      break;
    }
    if (failed === null) return { allow: true, path: [...route.path, toolStep, ...steps] };
    firstDenial ??= { path: [...route.path, toolStep, ...steps], failure: `condition ${failed}` };
  }
  return { allow: false, path: firstDenial?.path ?? [toolStep], failure: firstDenial?.failure ?? "no route grants the tool" };
}

/** The role names a condition sees as `user.roles`: every role held, directly or by a mapping, and all they inherit. */
export function effectiveRoleNames(snapshot: PolicySnapshot, userId: string, extraRoles: readonly HeldRole[]): string[] {
  const user = snapshot.users.get(userId);
  const held = [...(user?.roleIds ?? []), ...extraRoles.map((r) => r.roleId)];
  const ids = new Set<string>();
  for (const id of held) {
    ids.add(id);
    for (const ancestor of ancestorIds(snapshot, id)) ids.add(ancestor);
  }
  return [...ids].map((id) => snapshot.roles.get(id)?.name).filter((n): n is string => n !== undefined).sort();
}
