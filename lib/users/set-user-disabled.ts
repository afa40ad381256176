import { changeTransaction } from "@/lib/changes/change-transaction";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { revokeGrants } from "@/lib/grants/revoke-grants";
import { ADMIN_ROLE } from "@/lib/policy/catalog";

/** Disables (or re-enables) a user. Disabling also revokes every grant the user holds and forgets their consents. */
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
    await tx.user.update({ where: { id: userId }, data: { disabledAt: disabled ? now : null } });
    const revoked = disabled ? await revokeGrants(tx, { userId }, "user disabled", now) : null;
    const revokedGrants = revoked?.grantIds.length ?? 0;
    const consentsWithdrawn = revoked?.consentsWithdrawn ?? 0;
    await appendAudit(tx, [
      {
        kind: disabled ? "user.disabled" : "user.enabled",
        actor: ctx.actor,
        subject: userId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: disabled
          ? `user ${user.email} disabled; ${revokedGrants} grant(s) revoked, ${consentsWithdrawn} remembered consent(s) withdrawn`
          : `user ${user.email} enabled`,
        detail: { revokedGrants, consentsWithdrawn },
      },
    ]);
  });
}
