import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import type { Tx } from "@/lib/db/client";
import { revokeGrants } from "@/lib/grants/revoke-grants";

/**
 * A one-time credential (authorization code, refresh token, device code) came back after it was spent: someone else
 * holds a copy. OAuth 2.1 §4.1.3 / §4.3.1: revoke everything issued from it — the whole grant — and record both the
 * detection and the revocation.
 */
export async function revokeForReuse(input: {
  credential: "authorization code" | "refresh token" | "device code";
  /** Finds the grant inside the revoking transaction (a concurrent exchange may have just created it). */
  grantId: (tx: Tx) => Promise<string | null>;
  clientId: string;
  userId: string | null;
  ctx: AuditContext;
}): Promise<void> {
  const { credential, clientId, userId, ctx } = input;
  await changeTransaction(["revocations"], async (tx) => {
    const grantId = await input.grantId(tx);
    const revoked = grantId ? await revokeGrants(tx, { ids: [grantId] }, `${credential} reused`) : { grantIds: [], consentsWithdrawn: 0 };
    await appendAudit(tx, [
      {
        kind: "token.reuse_detected",
        actor: ctx.actor,
        subject: userId,
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `a spent ${credential} was presented again; ${revoked.grantIds.length ? `grant ${revoked.grantIds[0]} revoked` : "no live grant to revoke"}`,
        detail: { credential, grantId },
      },
      ...revoked.grantIds.map((id) => ({
        kind: "grant.revoked" as const,
        actor: "system",
        subject: userId,
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `grant ${id} revoked: ${credential} reused`,
        detail: { grantId: id, cause: "reuse_detected", consentsWithdrawn: revoked.consentsWithdrawn },
      })),
    ]);
  });
}
