import { changeTransaction } from "@/lib/changes/change-transaction";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";

/** Gives a user a role. Takes effect on the user's next call (the policy cache is invalidated on return). */
export async function assignRole(userId: string, roleName: string, ctx: AuditContext): Promise<void> {
  await changeTransaction(["policy"], async (tx) => {
    // One connection per transaction: its queries run one after another (pg refuses overlapping queries on a client).
    const user = await tx.user.findUnique({ where: { id: userId } });
    const role = await tx.role.findUnique({ where: { name: roleName } });
    if (!user) throw new AppError("not_found", "User not found");
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
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
