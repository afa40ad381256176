import type { Tx } from "@/lib/db/client";
import { ADMIN_ROLE } from "@/lib/policy/catalog";
import { ancestorIds, effectiveScopes } from "@/lib/policy/effective-scopes";
import type { PolicySnapshot, RoleNode } from "@/lib/policy/types";

/** Who is asking for a change to what people hold, as the privilege rules see them. */
export type PrivilegeActor =
  /** The CLI and start-up: whoever runs them holds the database and the deployment secret already. */
  | { kind: "operator"; actor: string }
  | {
      kind: "user";
      actor: string;
      id: string;
      email: string;
      /** Effective scopes (own roles' ∪ their ancestors'). */
      scopes: Set<string>;
      /** Every role the user holds, directly or through inheritance: "their own roles". */
      heldRoleIds: Set<string>;
      isAdmin: boolean;
    };

/**
 * The role graph as the current transaction sees it, with the questions the privilege rules ask of it. Read with one
 * query after another (a transaction is one connection), after the policy edit lock, so it is the graph the change
 * applies to.
 */
export interface PrivilegeView {
  snapshot: PolicySnapshot;
  adminRoleId: string | undefined;
  role(name: string): RoleNode | undefined;
  /** The role's effective scopes: own ∪ ancestors'. */
  roleScopes(roleId: string): Set<string>;
  /** True when the role is iam_admin or inherits it. */
  grantsAdmin(roleId: string): boolean;
  /** Effective scopes and held roles of a user (empty for an unknown user). */
  user(userId: string): Promise<{ email: string; disabled: boolean; scopes: Set<string>; heldRoleIds: Set<string>; isAdmin: boolean } | null>;
  actor(actor: string): Promise<PrivilegeActor>;
}

const OPERATORS = new Set(["cli", "system"]);

export async function loadPrivilegeView(tx: Tx): Promise<PrivilegeView> {
  const roles = await tx.role.findMany({
    select: { id: true, name: true, parents: { select: { parentId: true } }, scopes: { select: { scopeName: true } } },
  });
  const snapshot: PolicySnapshot = {
    version: 0,
    loadedAt: new Date(),
    scopes: new Set(),
    roles: new Map(roles.map((r) => [r.id, { id: r.id, name: r.name, parentIds: r.parents.map((p) => p.parentId), scopes: r.scopes.map((s) => s.scopeName) }])),
    roleIdsByName: new Map(roles.map((r) => [r.name, r.id])),
    users: new Map(),
    clients: new Map(),
    tools: new Map(),
  };
  const adminRoleId = snapshot.roleIdsByName.get(ADMIN_ROLE);
  const closure = (roleId: string) => new Set([roleId, ...ancestorIds(snapshot, roleId)]);
  const roleScopes = (roleId: string) => new Set(effectiveScopes(snapshot, [{ roleId }]).keys());

  const user: PrivilegeView["user"] = async (userId) => {
    const found = await tx.user.findUnique({ where: { id: userId }, select: { email: true, disabledAt: true, roles: { select: { roleId: true } } } });
    if (!found) return null;
    const heldRoleIds = new Set(found.roles.flatMap((r) => [...closure(r.roleId)]));
    const scopes = new Set(effectiveScopes(snapshot, found.roles.map((r) => ({ roleId: r.roleId }))).keys());
    return { email: found.email, disabled: found.disabledAt !== null, scopes, heldRoleIds, isAdmin: adminRoleId !== undefined && heldRoleIds.has(adminRoleId) };
  };

  return {
    snapshot,
    adminRoleId,
    role: (name) => {
      const id = snapshot.roleIdsByName.get(name);
      return id ? snapshot.roles.get(id) : undefined;
    },
    roleScopes,
    grantsAdmin: (roleId) => adminRoleId !== undefined && closure(roleId).has(adminRoleId),
    user,
    async actor(actor) {
      if (OPERATORS.has(actor)) return { kind: "operator", actor };
      const id = /^user:(.+)$/.exec(actor)?.[1];
      const found = id ? await user(id) : null;
      // Anyone else (an MCP client, an unknown or disabled user) holds nothing, so may grant nothing: fail closed.
      if (!id || !found || found.disabled) {
        return { kind: "user", actor, id: id ?? actor, email: actor, scopes: new Set(), heldRoleIds: new Set(), isAdmin: false };
      }
      return { kind: "user", actor, id, email: found.email, scopes: found.scopes, heldRoleIds: found.heldRoleIds, isAdmin: found.isAdmin };
    },
  };
}

/**
 * A scope that changes something: every `…:write` and `tokens:revoke`. An account holding one, or iam_admin, is
 * privileged: no identity is ever linked to it automatically.
 */
export function isWriteScope(scope: string): boolean {
  return scope.endsWith(":write") || scope === "tokens:revoke";
}

export function isPrivilegedAccount(account: { scopes: Set<string>; isAdmin: boolean }): boolean {
  return account.isAdmin || [...account.scopes].some(isWriteScope);
}
