import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";

/** Revokes one access token by jti; its grant and other tokens live on. */
export async function revokeAccessToken(jti: string, reason: string, ctx: AuditContext): Promise<boolean> {
  return changeTransaction(["revocations"], async (tx) => {
    const token = await tx.accessToken.findUnique({ where: { jti }, include: { grant: { select: { userId: true, clientId: true } } } });
    if (!token || token.revokedAt) return false;
    await tx.accessToken.update({ where: { jti }, data: { revokedAt: new Date() } });
    await appendAudit(tx, [
      {
        kind: "token.revoked",
        actor: ctx.actor,
        subject: token.grant.userId,
        clientId: token.grant.clientId,
        scopes: token.scopes,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `access token ${jti} revoked: ${reason}`,
        detail: { jti, grantId: token.grantId },
      },
    ]);
    return true;
  });
}
