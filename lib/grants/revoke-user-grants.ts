import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import type { BulkRevocation } from "@/lib/grants/revoke-client-grants";
import { revokeGrants } from "@/lib/grants/revoke-grants";

/**
 * Revokes every live grant a user holds, across all clients, with all their tokens — "revoke all for a user". The user
 * stays enabled and may authorize clients again (disable the user to stop that). One audit event says how many; the
 * user's tokens are refused from the next call at /mcp.
 */
export async function revokeUserGrants(userId: string, reason: string, ctx: AuditContext): Promise<BulkRevocation> {
  const note = reason.trim();
  if (!note) throw new AppError("invalid_input", "Give a reason to revoke every grant at once.");
  if (note.length > 500) throw new AppError("invalid_input", "Keep the reason under 500 characters.");
  return changeTransaction(["revocations"], async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) throw new AppError("not_found", "User not found");
    const revoked = await revokeGrants(tx, { userId }, note);
    if (revoked.grantIds.length > 0 || revoked.consentsWithdrawn > 0) {
      await appendAudit(tx, [
        {
          kind: "grant.revoked",
          actor: ctx.actor,
          subject: userId,
          ip: ctx.ip,
          requestId: ctx.requestId,
          reason: `all ${revoked.grantIds.length} live grant(s) of ${user.email} revoked (${revoked.accessTokens} access, ${revoked.refreshTokens} refresh token(s); ${revoked.consentsWithdrawn} remembered consent(s) withdrawn): ${note}`,
          detail: { of: "user", grants: revoked.grantIds.length, grantIds: revoked.grantIds.slice(0, 1000), accessTokens: revoked.accessTokens, refreshTokens: revoked.refreshTokens, consentsWithdrawn: revoked.consentsWithdrawn, cause: note },
        },
      ]);
    }
    return { ...revoked, name: user.email };
  });
}
