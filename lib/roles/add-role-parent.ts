import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { findCycle } from "@/lib/policy/find-cycle";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleChange } from "@/lib/privilege/privilege-rules";

/**
 * Makes `parentName` a parent of `roleName` (the role inherits the parent's scopes). Refuses cycles, and — inheriting
 * a stronger role being a grant of its scopes — changes to a role you hold, iam_admin as a parent unless you are one,
 * and a parent carrying scopes you do not hold.
 */
export async function addRoleParent(roleName: string, parentName: string, ctx: AuditContext): Promise<void> {
  await privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const roles = await tx.role.findMany({ select: { id: true, name: true, parents: { select: { parentId: true } } } });
    const byName = new Map(roles.map((r) => [r.name, r]));
    const role = byName.get(roleName);
    const parent = byName.get(parentName);
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    if (!parent) throw new AppError("not_found", `Role ${parentName} does not exist`);
    if (role.parents.some((p) => p.parentId === parent.id)) return;
    checkRoleChange(view, actor, role.id, { parentId: parent.id });

    const byId = new Map(roles.map((r) => [r.id, r]));
    const cycle = findCycle(role.id, parent.id, (id) => byId.get(id)?.parents.map((p) => p.parentId) ?? []);
    if (cycle) {
      const names = cycle.map((id) => byId.get(id)!.name);
      throw new AppError(
        "role_cycle",
        `${roleName} cannot inherit from ${parentName}: that would make a cycle (${names.join(" → ")})`,
        { cycle: names },
      );
    }
    await tx.roleParent.create({ data: { roleId: role.id, parentId: parent.id } });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `role ${roleName} now inherits ${parentName}`,
        detail: { change: "role_parent_added", role: roleName, parent: parentName },
      },
    ]);
  });
}
