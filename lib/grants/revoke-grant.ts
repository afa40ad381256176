import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";

export interface GrantRevocation {
  grantId: string;
  userId: string;
  clientId: string;
  /** False when the grant was already revoked: nothing changed and nothing was recorded. */
  revoked: boolean;
  revokedAt: Date;
  accessTokens: number;
  refreshTokens: number;
}

/**
 * Revokes a grant and every token issued under it. The `revocations` epoch moves in the same transaction, so the MCP
 * endpoint refuses the grant's tokens from the first call after this returns.
 */
export async function revokeGrant(grantId: string, ctx: AuditContext, reason?: string): Promise<GrantRevocation> {
  return changeTransaction(["revocations"], async (tx) => {
    const grant = await tx.grant.findUnique({
      where: { id: grantId },
      select: { id: true, userId: true, clientId: true, revokedAt: true, user: { select: { email: true } }, client: { select: { name: true } } },
    });
    if (!grant) throw new AppError("not_found", `No grant has id ${grantId}`);
    const base = { grantId: grant.id, userId: grant.userId, clientId: grant.clientId };
    if (grant.revokedAt) return { ...base, revoked: false, revokedAt: grant.revokedAt, accessTokens: 0, refreshTokens: 0 };
    const revokedAt = new Date();
    const note = reason?.trim() || null;
    await tx.grant.update({ where: { id: grant.id }, data: { revokedAt, revokedReason: note ?? "revoked" } });
    const accessTokens = await tx.accessToken.updateMany({ where: { grantId: grant.id, revokedAt: null }, data: { revokedAt } });
    const refreshTokens = await tx.refreshToken.updateMany({ where: { grantId: grant.id, revokedAt: null }, data: { revokedAt } });
    await appendAudit(tx, [
      {
        kind: "grant.revoked",
        actor: ctx.actor,
        subject: grant.userId,
        clientId: grant.clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `grant ${grant.id} of ${grant.user.email} for client ${grant.client.name} revoked${note ? `: ${note}` : ""}`,
        detail: { grantId: grant.id, accessTokens: accessTokens.count, refreshTokens: refreshTokens.count, ...(note ? { note } : {}) },
      },
    ]);
    return { ...base, revoked: true, revokedAt, accessTokens: accessTokens.count, refreshTokens: refreshTokens.count };
  });
}
