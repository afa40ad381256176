import { changeTransaction } from "@/lib/changes/change-transaction";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { revokeGrants } from "@/lib/grants/revoke-grants";
import { ADMIN_ROLE } from "@/lib/policy/catalog";

/** Disables (or re-enables) a user. Disabling also revokes every grant the user holds and ends their console sessions. */
export async function setUserDisabled(userId: string, disabled: boolean, ctx: AuditContext): Promise<void> {
  await changeTransaction(["policy", "revocations"], async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, include: { roles: { include: { role: true } } } });
    if (!user) throw new AppError("not_found", "User not found");
    if ((user.disabledAt !== null) === disabled) return;
    if (disabled && ctx.actor === `user:${userId}`) throw new AppError("conflict", "You cannot disable your own account");
    if (disabled && user.roles.some((r) => r.role.name === ADMIN_ROLE)) {
      const enabledAdmins = await tx.userRole.count({ where: { role: { name: ADMIN_ROLE }, user: { disabledAt: null } } });
      if (enabledAdmins <= 1) throw new AppError("conflict", `${user.email} is the last enabled ${ADMIN_ROLE}`);
    }
    const now = new Date();
    // Disabling ends every console session: re-enabling later must not bring the old ones back.
    await tx.user.update({ where: { id: userId }, data: disabled ? { disabledAt: now, sessionEpoch: { increment: 1 } } : { disabledAt: null } });
    const revokedGrants = disabled ? (await revokeGrants(tx, { userId }, "user disabled", now)).grantIds.length : 0;
    await appendAudit(tx, [
      {
        kind: disabled ? "user.disabled" : "user.enabled",
        actor: ctx.actor,
        subject: userId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: disabled ? `user ${user.email} disabled; ${revokedGrants} grant(s) revoked` : `user ${user.email} enabled`,
        detail: { revokedGrants },
      },
    ]);
  });
}
