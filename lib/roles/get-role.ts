import type { Db } from "@/lib/db/client";
import { ancestorIds, effectiveScopes } from "@/lib/policy/effective-scopes";
import { loadPolicySnapshot } from "@/lib/policy/policy-snapshot";
import { formatReason, type PolicySnapshot, type ReasonStep } from "@/lib/policy/types";

export interface RoleDetail {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  createdAt: Date;
  updatedAt: Date;
  parents: string[];
  children: string[];
  /** Roles that inherit this one, directly or not: they gain whatever it gains. */
  descendants: string[];
  ancestors: string[];
  scopes: string[];
  effectiveScopes: Array<{ scope: string; inherited: boolean; path: ReasonStep[]; reason: string }>;
  /** Tools a holder of this role may call (subject to the client's allow-list and the token's scopes). */
  tools: Array<{ name: string; requiredScope: string; condition: string | null }>;
  users: Array<{ id: string; email: string; name: string; disabled: boolean }>;
  /** Users who get this role's scopes through a role that inherits it. */
  indirectUserCount: number;
}

function descendantIds(snapshot: PolicySnapshot, roleId: string): Set<string> {
  const result = new Set<string>();
  for (const role of snapshot.roles.values()) {
    if (role.id !== roleId && ancestorIds(snapshot, role.id).has(roleId)) result.add(role.id);
  }
  return result;
}

/** One role, its place in the hierarchy, its effective scopes with the reason path of each, and who holds it. */
export async function getRole(database: Db, name: string): Promise<RoleDetail | null> {
  const role = await database.role.findUnique({
    where: { name },
    include: {
      users: { include: { user: { select: { id: true, email: true, name: true, disabledAt: true } } } },
    },
  });
  if (!role) return null;
  const snapshot = await loadPolicySnapshot(database);
  const node = snapshot.roles.get(role.id);
  if (!node) return null;
  const nameOf = (id: string) => snapshot.roles.get(id)?.name ?? id;
  const descendants = descendantIds(snapshot, role.id);
  const effective = effectiveScopes(snapshot, [{ roleId: role.id }]);
  const directUsers = new Set(role.users.map((u) => u.userId));
  let indirectUserCount = 0;
  for (const user of snapshot.users.values()) {
    if (!directUsers.has(user.id) && user.roleIds.some((id) => descendants.has(id))) indirectUserCount += 1;
  }
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    builtin: role.builtin,
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
    parents: node.parentIds.map(nameOf).sort(),
    children: [...snapshot.roles.values()].filter((r) => r.parentIds.includes(role.id)).map((r) => r.name).sort(),
    descendants: [...descendants].map(nameOf).sort(),
    ancestors: [...ancestorIds(snapshot, role.id)].map(nameOf).sort(),
    scopes: [...node.scopes].sort(),
    effectiveScopes: [...effective.entries()]
      .map(([scope, path]) => ({ scope, inherited: !node.scopes.includes(scope), path, reason: formatReason(path) }))
      .sort((a, b) => a.scope.localeCompare(b.scope)),
    tools: [...snapshot.tools.values()]
      .filter((t) => effective.has(t.requiredScope))
      .map((t) => ({ name: t.name, requiredScope: t.requiredScope, condition: snapshot.conditions?.get(t.name)?.get(role.id)?.expression ?? null }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    users: role.users
      .map((u) => ({ id: u.user.id, email: u.user.email, name: u.user.name, disabled: u.user.disabledAt !== null }))
      .sort((a, b) => a.email.localeCompare(b.email)),
    indirectUserCount,
  };
}
