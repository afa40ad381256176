import { compileCondition } from "@/lib/conditions/compile-condition";
import { toolInputSchema } from "@/lib/conditions/tool-input-schema";
import { TRANSITIONS } from "@/lib/clients/change-client-status";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { PolicyChange } from "@/lib/impact/policy-change";
import { ADMIN_ROLE } from "@/lib/policy/catalog";
import { ancestorIds } from "@/lib/policy/effective-scopes";
import { findCycle } from "@/lib/policy/find-cycle";
import type { PolicySnapshot, RoleNode } from "@/lib/policy/types";
import { checkRoleAssignment, checkRoleChange, checkServiceClientScopes, checkToolScope } from "@/lib/privilege/privilege-rules";
import type { PrivilegeActor, PrivilegeView } from "@/lib/privilege/privilege-view";

export interface AppliedChange {
  /** The policy as it would be: the current snapshot with the change applied, in memory (nothing is written). */
  proposed: PolicySnapshot;
  /** False when the save would change nothing (the policy already says this). */
  changed: boolean;
}

/**
 * Applies a change to a copy of the policy in memory, refusing it exactly as saving it would: the same checks in the
 * same order, the same privilege rules (the functions the save calls), and the same error codes and messages — a
 * dry run of a change that would be refused reports that refusal. The current snapshot is never mutated (the hot
 * path shares it).
 */
export async function applyPolicyChange(
  database: Db,
  current: PolicySnapshot,
  change: PolicyChange,
  privilege: { view: PrivilegeView; actor: PrivilegeActor },
): Promise<AppliedChange> {
  const { view, actor } = privilege;
  const proposed: PolicySnapshot = { ...current, version: current.version, loadedAt: new Date() };
  const same = { proposed: current, changed: false };
  const roleByName = (name: string) => {
    const id = current.roleIdsByName.get(name);
    return id ? current.roles.get(id) : undefined;
  };
  const replaceRole = (role: RoleNode) => {
    proposed.roles = new Map(current.roles);
    proposed.roles.set(role.id, role);
  };

  switch (change.kind) {
    case "role_scopes": {
      // lib/roles/set-role-scopes.ts
      const wanted = [...new Set(change.scopes)].sort();
      const role = roleByName(change.role);
      if (!role) throw new AppError("not_found", `Role ${change.role} does not exist`);
      const unknown = wanted.filter((s) => !current.scopes.has(s));
      if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);
      const own = [...role.scopes].sort();
      const added = wanted.filter((s) => !own.includes(s));
      const removed = own.filter((s) => !wanted.includes(s));
      if (added.length === 0 && removed.length === 0) return same;
      checkRoleChange(view, actor, role.id, { scopes: [...added, ...removed] });
      if (role.name === ADMIN_ROLE) {
        const builtin = await database.scope.findMany({ where: { name: { in: removed }, builtin: true }, select: { name: true } });
        if (builtin.length > 0) {
          throw new AppError("conflict", `${ADMIN_ROLE} always holds every built-in scope; it cannot lose ${builtin.map((b) => b.name).sort().join(", ")}`);
        }
      }
      replaceRole({ ...role, scopes: wanted });
      return { proposed, changed: true };
    }
    case "role_parent_add": {
      // lib/roles/add-role-parent.ts
      const role = roleByName(change.role);
      const parent = roleByName(change.parent);
      if (!role) throw new AppError("not_found", `Role ${change.role} does not exist`);
      if (!parent) throw new AppError("not_found", `Role ${change.parent} does not exist`);
      if (role.parentIds.includes(parent.id)) return same;
      checkRoleChange(view, actor, role.id, { parentId: parent.id });
      const cycle = findCycle(role.id, parent.id, (id) => current.roles.get(id)?.parentIds ?? []);
      if (cycle) {
        const names = cycle.map((id) => current.roles.get(id)!.name);
        throw new AppError("role_cycle", `${change.role} cannot inherit from ${change.parent}: that would make a cycle (${names.join(" → ")})`, { cycle: names });
      }
      replaceRole({ ...role, parentIds: [...role.parentIds, parent.id] });
      return { proposed, changed: true };
    }
    case "role_parent_remove": {
      // lib/roles/remove-role-parent.ts
      const role = roleByName(change.role);
      const parent = roleByName(change.parent);
      if (!role) throw new AppError("not_found", `Role ${change.role} does not exist`);
      if (!parent) throw new AppError("not_found", `Role ${change.parent} does not exist`);
      if (!role.parentIds.includes(parent.id)) return same;
      checkRoleChange(view, actor, role.id, { parentId: parent.id });
      replaceRole({ ...role, parentIds: role.parentIds.filter((id) => id !== parent.id) });
      if (hasEnabledAdmin(current) && !hasEnabledAdmin(proposed)) {
        throw new AppError("conflict", `${change.role} would no longer inherit ${change.parent}, leaving no enabled ${ADMIN_ROLE}; give ${ADMIN_ROLE} to someone directly first`);
      }
      return { proposed, changed: true };
    }
    case "user_role_add":
    case "user_role_remove": {
      // lib/users/assign-role.ts, lib/users/remove-role.ts
      const user = current.users.get(change.userId);
      const role = roleByName(change.role);
      if (!user) throw new AppError("not_found", "User not found");
      if (!role) throw new AppError("not_found", `Role ${change.role} does not exist`);
      const adding = change.kind === "user_role_add";
      checkRoleAssignment(view, actor, role.id, user.id, adding ? "grant" : "take");
      if (adding === user.roleIds.includes(role.id)) return same;
      proposed.users = new Map(current.users);
      proposed.users.set(user.id, { ...user, roleIds: adding ? [...user.roleIds, role.id] : user.roleIds.filter((id) => id !== role.id) });
      if (!adding && hasEnabledAdmin(current) && !hasEnabledAdmin(proposed)) throw new AppError("conflict", `${user.email} is the last enabled ${ADMIN_ROLE}; give the role to someone else first`);
      return { proposed, changed: true };
    }
    case "tool_scope": {
      // lib/tools/set-tool-scope.ts
      const tool = current.tools.get(change.tool);
      if (!tool) throw new AppError("not_found", `Tool ${change.tool} does not exist`);
      if (!current.scopes.has(change.scope)) throw new AppError("invalid_input", `Unknown scope: ${change.scope}`);
      if (tool.requiredScope === change.scope) return same;
      checkToolScope(actor, tool.name, tool.requiredScope);
      proposed.tools = new Map(current.tools);
      proposed.tools.set(tool.name, { ...tool, requiredScope: change.scope });
      return { proposed, changed: true };
    }
    case "client_scopes": {
      // lib/clients/update-client-scopes.ts
      const wanted = [...new Set(change.scopes)].sort();
      const client = current.clients.get(change.clientId);
      if (!client) throw new AppError("not_found", `No client ${change.clientId}.`);
      if (client.status === "rejected") throw new AppError("conflict", `Client ${client.name} is rejected; it will never receive a token.`);
      const unknown = wanted.filter((s) => !current.scopes.has(s));
      if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);
      const added = wanted.filter((s) => !client.allowedScopes.includes(s));
      const removed = client.allowedScopes.filter((s) => !wanted.includes(s));
      if (added.length === 0 && removed.length === 0) return same;
      const row = await database.client.findUnique({ where: { id: client.id }, select: { serviceUserId: true } });
      if (row?.serviceUserId && added.length > 0) {
        const service = await view.user(row.serviceUserId);
        if (service) checkServiceClientScopes(actor, client, service, added);
      }
      proposed.clients = new Map(current.clients);
      proposed.clients.set(client.id, { ...client, allowedScopes: wanted });
      return { proposed, changed: true };
    }
    case "client_status": {
      // lib/clients/change-client-status.ts
      const transition = TRANSITIONS[change.verb];
      const client = current.clients.get(change.clientId);
      if (!client) throw new AppError("not_found", `No client ${change.clientId}.`);
      if (client.status !== transition.from) {
        const article = /^[aeiou]/.test(transition.from) ? "an" : "a";
        throw new AppError("conflict", `Client ${client.name} is ${client.status}; only ${article} ${transition.from} client can be ${transition.past}.`);
      }
      proposed.clients = new Map(current.clients);
      proposed.clients.set(client.id, { ...client, status: transition.to });
      return { proposed, changed: true };
    }
    case "condition_set":
    case "condition_clear": {
      // lib/conditions/set-tool-condition.ts, lib/conditions/clear-tool-condition.ts
      const role = roleByName(change.role);
      if (!role) throw new AppError("not_found", `Role ${change.role} does not exist`);
      const tool = current.tools.get(change.tool);
      if (!tool) throw new AppError("not_found", `Tool ${change.tool} does not exist`);
      const existing = current.conditions?.get(tool.name)?.get(role.id);
      const byRole = new Map(current.conditions?.get(tool.name) ?? []);
      if (change.kind === "condition_clear") {
        if (!existing) return same;
        checkRoleChange(view, actor, role.id, { scopes: [tool.requiredScope] });
        byRole.delete(role.id);
      } else {
        const row = await database.tool.findUnique({ where: { name: tool.name }, select: { definition: true } });
        const compiled = compileCondition(change.expression, toolInputSchema(tool.name, row?.definition));
        if (!compiled.ok) {
          const { message, line, column } = compiled.error;
          throw new AppError("invalid_input", `Condition refused at line ${line}, column ${column}: ${message}`, { line, column, problem: message });
        }
        const text = compiled.condition.expression;
        if (existing?.expression === text) return same;
        checkRoleChange(view, actor, role.id, { scopes: [tool.requiredScope] });
        byRole.set(role.id, { roleId: role.id, tool: tool.name, expression: text, compiled: compiled.condition, compileError: null });
      }
      proposed.conditions = new Map(current.conditions ?? []);
      if (byRole.size > 0) proposed.conditions.set(tool.name, byRole);
      else proposed.conditions.delete(tool.name);
      return { proposed, changed: true };
    }
  }
}

/** What the database's last-admin guard enforces: some enabled user holds iam_admin, directly or through inheritance. */
function hasEnabledAdmin(snapshot: PolicySnapshot): boolean {
  const adminId = snapshot.roleIdsByName.get(ADMIN_ROLE);
  if (!adminId) return true;
  for (const user of snapshot.users.values()) {
    if (user.disabled) continue;
    if (user.roleIds.some((id) => id === adminId || ancestorIds(snapshot, id).has(adminId))) return true;
  }
  return false;
}
