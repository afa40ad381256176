import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";

/**
 * Signing out ends every console session of the user, not just this browser's: the user's session epoch moves on, so
 * a copy of any session cookie (another browser, a stolen one) is refused on its next request. Only a session at the
 * current epoch can do this — a cookie that is already over cannot sign the user out of the sessions that replaced it.
 * The epoch change and the `admin.logout` event are one transaction.
 */
export async function signOutEverywhere(userId: string, sessionEpoch: unknown, ctx: AuditContext): Promise<boolean> {
  if (typeof sessionEpoch !== "number") return false;
  return changeTransaction(["policy"], async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id: userId, sessionEpoch }, data: { sessionEpoch: { increment: 1 } } });
    if (count === 0) return false;
    await appendAudit(tx, [
      { kind: "admin.logout", actor: ctx.actor, subject: userId, ip: ctx.ip, requestId: ctx.requestId, reason: "signed out; every session of the user ended" },
    ]);
    return true;
  });
}
