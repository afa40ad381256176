import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleAssignment } from "@/lib/privilege/privilege-rules";

/**
 * Gives a user a role, within the privilege rules (never to yourself, iam_admin only from an iam_admin, never a role
 * carrying scopes you do not hold). Takes effect on the user's next call (the policy cache is invalidated on return).
 */
export async function assignRole(userId: string, roleName: string, ctx: AuditContext): Promise<void> {
  await privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    const role = view.role(roleName);
    if (!user) throw new AppError("not_found", "User not found");
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    checkRoleAssignment(view, actor, role.id, userId, "grant");
    const created = await tx.userRole.createMany({ data: [{ userId, roleId: role.id }], skipDuplicates: true });
    if (created.count === 0) return;
    await appendAudit(tx, [
      {
        kind: "user.role_assigned",
        actor: ctx.actor,
        subject: userId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `user ${user.email} given role ${roleName}`,
        detail: { role: roleName },
      },
    ]);
  });
}
