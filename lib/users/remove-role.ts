import { changeTransaction } from "@/lib/changes/change-transaction";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/policy/catalog";

/** Takes a role from a user, effective on their very next call — not at token expiry (DESIGN §1). */
export async function removeRole(userId: string, roleName: string, ctx: AuditContext): Promise<void> {
  await changeTransaction(["policy"], async (tx) => {
    // One connection per transaction: its queries run one after another (pg refuses overlapping queries on a client).
    const user = await tx.user.findUnique({ where: { id: userId } });
    const role = await tx.role.findUnique({ where: { name: roleName } });
    if (!user) throw new AppError("not_found", "User not found");
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    if (roleName === ADMIN_ROLE) {
      const admins = await tx.userRole.count({ where: { roleId: role.id, user: { disabledAt: null } } });
      const isAdmin = await tx.userRole.count({ where: { roleId: role.id, userId } });
      if (isAdmin && admins <= 1) {
        throw new AppError("conflict", `${user.email} is the last enabled ${ADMIN_ROLE}; give the role to someone else first`);
      }
    }
    const removed = await tx.userRole.deleteMany({ where: { userId, roleId: role.id } });
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
