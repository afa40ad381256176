import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { revokeGrants } from "@/lib/grants/revoke-grants";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkAccountChange } from "@/lib/privilege/privilege-rules";
import { guardLastAdmin } from "@/lib/users/last-admin-guard";

/**
 * Disables (or re-enables) a user. Disabling also revokes every grant the user holds, forgets their consents and ends
 * their console sessions. Both are privileged changes — re-enabling gives back everything the account holds — so never
 * your own account, an iam_admin's only by an iam_admin, and only accounts within your own scopes; and the database
 * refuses to disable the last enabled iam_admin.
 */
export async function setUserDisabled(userId: string, disabled: boolean, ctx: AuditContext): Promise<void> {
  await privilegedChange(["policy", "revocations"], ctx, async (tx, view, actor) => {
    const target = await view.user(userId);
    if (!target) throw new AppError("not_found", "User not found");
    if (target.disabled === disabled) return;
    checkAccountChange(actor, { id: userId, ...target }, disabled ? "disable" : "enable");
    const now = new Date();
    // Disabling ends every console session: re-enabling later must not bring the old ones back.
    await guardLastAdmin(target.email, () =>
      tx.user.update({ where: { id: userId }, data: disabled ? { disabledAt: now, sessionEpoch: { increment: 1 } } : { disabledAt: null } }),
    );
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
          ? `user ${target.email} disabled; ${revokedGrants} grant(s) revoked, ${consentsWithdrawn} remembered consent(s) withdrawn`
          : `user ${target.email} enabled`,
        detail: { revokedGrants, consentsWithdrawn },
      },
    ]);
  });
}
