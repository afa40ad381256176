import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { revokeGrants } from "@/lib/grants/revoke-grants";

/** Revokes one grant and every token issued under it (RFC 7009 §2.1 for a refresh token; the console's "revoke"). */
export async function revokeGrant(grantId: string, reason: string, ctx: AuditContext): Promise<boolean> {
  return changeTransaction(["revocations"], async (tx) => {
    const grant = await tx.grant.findUnique({ where: { id: grantId }, select: { userId: true, clientId: true, scopes: true } });
    if (!grant) return false;
    const { grantIds } = await revokeGrants(tx, { ids: [grantId] }, reason);
    if (grantIds.length === 0) return false;
    await appendAudit(tx, [
      {
        kind: "grant.revoked",
        actor: ctx.actor,
        subject: grant.userId,
        clientId: grant.clientId,
        scopes: grant.scopes,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `grant ${grantId} revoked: ${reason}`,
        detail: { grantId, cause: reason },
      },
    ]);
    return true;
  });
}
