import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { revokeGrants, type RevokedGrants } from "@/lib/grants/revoke-grants";

export interface BulkRevocation extends RevokedGrants {
  /** Whose grants: the client's or the user's name. */
  name: string;
}

function requireReason(reason: string): string {
  const note = reason.trim();
  if (!note) throw new AppError("invalid_input", "Give a reason to revoke every grant at once.");
  if (note.length > 500) throw new AppError("invalid_input", "Keep the reason under 500 characters.");
  return note;
}

/**
 * Revokes every live grant of a client, with all their tokens — "revoke all for a client" (DESIGN §8). The client itself
 * stays as it is (suspend it to stop new authorizations). One audit event says how many; the `revocations` epoch moves
 * in the same transaction, so every such token is refused from the next call at /mcp.
 */
export async function revokeClientGrants(clientId: string, reason: string, ctx: AuditContext): Promise<BulkRevocation> {
  const note = requireReason(reason);
  return changeTransaction(["revocations"], async (tx) => {
    const client = await tx.client.findUnique({ where: { id: clientId }, select: { name: true } });
    if (!client) throw new AppError("not_found", `No client ${clientId}.`);
    const revoked = await revokeGrants(tx, { clientId }, note);
    if (revoked.grantIds.length > 0 || revoked.consentsWithdrawn > 0) {
      await appendAudit(tx, [
        {
          kind: "grant.revoked",
          actor: ctx.actor,
          clientId,
          ip: ctx.ip,
          requestId: ctx.requestId,
          reason: `all ${revoked.grantIds.length} live grant(s) of client ${client.name} revoked (${revoked.accessTokens} access, ${revoked.refreshTokens} refresh token(s); ${revoked.consentsWithdrawn} remembered consent(s) withdrawn): ${note}`,
          detail: { of: "client", grants: revoked.grantIds.length, grantIds: revoked.grantIds.slice(0, 1000), accessTokens: revoked.accessTokens, refreshTokens: revoked.refreshTokens, consentsWithdrawn: revoked.consentsWithdrawn, cause: note },
        },
      ]);
    }
    return { ...revoked, name: client.name };
  });
}
