import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleAssignment } from "@/lib/privilege/privilege-rules";
import { guardLastAdmin } from "@/lib/users/last-admin-guard";

/**
 * Takes a role from a user, effective on their very next call — not at token expiry (DESIGN §1). Within the privilege
 * rules (not your own roles; iam_admin only by an iam_admin; only roles within your own scopes), and never from the last
 * enabled iam_admin: the database itself refuses that, however many removals race.
 */
export async function removeRole(userId: string, roleName: string, ctx: AuditContext): Promise<void> {
  await privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    const role = view.role(roleName);
    if (!user) throw new AppError("not_found", "User not found");
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    checkRoleAssignment(view, actor, role.id, userId, "take");
    const removed = await guardLastAdmin(user.email, () => tx.userRole.deleteMany({ where: { userId, roleId: role.id } }));
    if (removed.count === 0) return;
    await appendAudit(tx, [
      {
        kind: "user.role_removed",
        actor: ctx.actor,
        subject: userId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `user ${user.email} lost role ${roleName}`,
        detail: { role: roleName },
      },
    ]);
  });
}
