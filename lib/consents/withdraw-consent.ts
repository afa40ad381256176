import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/**
 * A user withdraws their remembered consent for a client: the next authorization shows the consent screen again, and
 * prompt=none answers consent_required. Grants already issued are a separate matter (revoke them to end access now).
 * Another user's consent answers exactly as a missing one.
 */
export async function withdrawConsent(userId: string, clientId: string, ctx: AuditContext): Promise<{ clientName: string }> {
  return db().$transaction(async (tx) => {
    const consent = await tx.consent.findUnique({
      where: { userId_clientId: { userId, clientId } },
      select: { scopes: true, redirectUri: true, client: { select: { name: true } } },
    });
    if (!consent) throw new AppError("not_found", "You have no remembered consent for this client.");
    await tx.consent.delete({ where: { userId_clientId: { userId, clientId } } });
    await appendAudit(tx, [
      {
        kind: "consent.withdrawn",
        actor: ctx.actor,
        subject: userId,
        clientId,
        scopes: consent.scopes,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `remembered consent for client ${consent.client.name} withdrawn by the user`,
        detail: { redirectUri: consent.redirectUri },
      },
    ]);
    return { clientName: consent.client.name };
  });
}
