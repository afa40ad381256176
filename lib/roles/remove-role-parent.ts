import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/policy/catalog";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleChange } from "@/lib/privilege/privilege-rules";
import { guardLastAdmin } from "@/lib/users/last-admin-guard";

/**
 * Stops `roleName` inheriting `parentName`. The same privilege rules as adding the link (it takes the parent's scopes
 * from everyone holding the role), and the database refuses it if it would leave no enabled iam_admin.
 */
export async function removeRoleParent(roleName: string, parentName: string, ctx: AuditContext): Promise<void> {
  await privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const role = view.role(roleName);
    const parent = view.role(parentName);
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    if (!parent) throw new AppError("not_found", `Role ${parentName} does not exist`);
    if (!role.parentIds.includes(parent.id)) return;
    checkRoleChange(view, actor, role.id, { parentId: parent.id });
    const removed = await guardLastAdmin(
      roleName,
      () => tx.roleParent.deleteMany({ where: { roleId: role.id, parentId: parent.id } }),
      `${roleName} would no longer inherit ${parentName}, leaving no enabled ${ADMIN_ROLE}; give ${ADMIN_ROLE} to someone directly first`,
    );
    if (removed.count === 0) return;
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `role ${roleName} no longer inherits ${parentName}`,
        detail: { change: "role_parent_removed", role: roleName, parent: parentName },
      },
    ]);
  });
}
