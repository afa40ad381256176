import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { revokeGrants } from "@/lib/grants/revoke-grants";

export interface GrantRevocation {
  grantId: string;
  userId: string;
  clientId: string;
  /** False when the grant was already revoked: nothing changed and nothing was recorded. */
  revoked: boolean;
  revokedAt: Date;
  accessTokens: number;
  refreshTokens: number;
  /** 1 when the user's remembered consent for the client was removed with the grant. */
  consentsWithdrawn: number;
}

/**
 * Revokes one grant and every token issued under it (RFC 7009 §2.1 for a refresh token; the console's and the
 * `revoke_grant` tool's "revoke"), and the user's remembered consent for the client, so re-authorizing asks again. The `revocations` epoch moves in the same transaction, so the MCP endpoint refuses
 * the grant's tokens from the first call after this returns.
 */
export async function revokeGrant(grantId: string, ctx: AuditContext, reason?: string): Promise<GrantRevocation> {
  return changeTransaction(["revocations"], async (tx) => {
    const grant = await tx.grant.findUnique({
      where: { id: grantId },
      select: { id: true, userId: true, clientId: true, scopes: true, revokedAt: true, user: { select: { email: true } }, client: { select: { name: true } } },
    });
    if (!grant) throw new AppError("not_found", `No grant has id ${grantId}`);
    const base = { grantId: grant.id, userId: grant.userId, clientId: grant.clientId };
    if (grant.revokedAt) return { ...base, revoked: false, revokedAt: grant.revokedAt, accessTokens: 0, refreshTokens: 0, consentsWithdrawn: 0 };
    const note = reason?.trim() || "revoked";
    const revokedAt = new Date();
    const { accessTokens, refreshTokens, consentsWithdrawn } = await revokeGrants(tx, { ids: [grant.id] }, note, revokedAt);
    await appendAudit(tx, [
      {
        kind: "grant.revoked",
        actor: ctx.actor,
        subject: grant.userId,
        clientId: grant.clientId,
        scopes: grant.scopes,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `grant ${grant.id} of ${grant.user.email} for client ${grant.client.name} revoked: ${note}`,
        detail: { grantId: grant.id, cause: note, accessTokens, refreshTokens, consentsWithdrawn },
      },
    ]);
    return { ...base, revoked: true, revokedAt, accessTokens, refreshTokens, consentsWithdrawn };
  });
}
