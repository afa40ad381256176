import type { PolicySnapshot, ReasonStep } from "@/lib/policy/types";

/** A role held directly, or through an external mapping (`via` names the WorkOS role or permission). */
export interface HeldRole {
  roleId: string;
  via?: string;
}

/**
 * Effective scopes of a set of held roles: each role's own scopes ∪ all its ancestors'. For every scope, the shortest
 * reason path that grants it (breadth-first over the parent DAG, so `role editor → inherits reader → scope x`).
 */
export function effectiveScopes(snapshot: PolicySnapshot, held: readonly HeldRole[]): Map<string, ReasonStep[]> {
  const result = new Map<string, ReasonStep[]>();
  const visited = new Set<string>();
  let frontier: Array<{ roleId: string; path: ReasonStep[] }> = [];
  for (const { roleId, via } of held) {
    const role = snapshot.roles.get(roleId);
    if (!role || visited.has(roleId)) continue;
    visited.add(roleId);
    const path: ReasonStep[] = via ? [{ kind: "mapped", label: via }] : [];
    frontier.push({ roleId, path: [...path, { kind: "role", label: role.name }] });
  }
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { roleId, path } of frontier) {
      const role = snapshot.roles.get(roleId)!;
      for (const scope of role.scopes) {
        if (!result.has(scope)) result.set(scope, [...path, { kind: "scope", label: scope }]);
      }
      for (const parentId of role.parentIds) {
        const parent = snapshot.roles.get(parentId);
        if (!parent || visited.has(parentId)) continue;
        visited.add(parentId);
        next.push({ roleId: parentId, path: [...path, { kind: "inherits", label: parent.name }] });
      }
    }
    frontier = next;
  }
  return result;
}

/** Effective scopes of a user, each path starting at the user. A disabled or unknown user has none. */
export function userEffectiveScopes(
  snapshot: PolicySnapshot,
  userId: string,
  extraRoles: readonly HeldRole[] = [],
): Map<string, ReasonStep[]> {
  const user = snapshot.users.get(userId);
  if (!user || user.disabled) return new Map();
  const held = [...user.roleIds.map((roleId) => ({ roleId })), ...extraRoles];
  const start: ReasonStep = { kind: "user", label: user.email };
  const scopes = effectiveScopes(snapshot, held);
  for (const [scope, path] of scopes) scopes.set(scope, [start, ...path]);
  return scopes;
}

/** The ancestors of a role (not including itself). */
export function ancestorIds(snapshot: PolicySnapshot, roleId: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(snapshot.roles.get(roleId)?.parentIds ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(snapshot.roles.get(id)?.parentIds ?? []));
  }
  return seen;
}
