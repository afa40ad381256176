import { changeTransaction } from "@/lib/changes/change-transaction";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";

export async function removeRoleParent(roleName: string, parentName: string, ctx: AuditContext): Promise<void> {
  await changeTransaction(["policy"], async (tx) => {
    // One connection per transaction: its queries run one after another (pg refuses overlapping queries on a client).
    const role = await tx.role.findUnique({ where: { name: roleName } });
    const parent = await tx.role.findUnique({ where: { name: parentName } });
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    if (!parent) throw new AppError("not_found", `Role ${parentName} does not exist`);
    const removed = await tx.roleParent.deleteMany({ where: { roleId: role.id, parentId: parent.id } });
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
