import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { removeClients, type RemovedClient } from "@/lib/clients/remove-clients";
import { AppError } from "@/lib/errors";

/**
 * Deletes a client for good: its registration, grants and tokens. Unlike suspension (reversible, grants kept), nothing
 * of it remains but the audit log. Its tokens stop working from the next call after this returns — the grants vanish
 * with the client, and the id is deny-listed until its last access token expires (see removeClients). The client may
 * register again, as a new pending client.
 */
export async function deleteClient(clientId: string, reason: string, ctx: AuditContext): Promise<RemovedClient> {
  const note = reason.trim();
  if (!note) throw new AppError("invalid_input", "Give a reason to delete a client.");
  if (note.length > 500) throw new AppError("invalid_input", "Keep the reason under 500 characters.");
  return changeTransaction(["policy", "revocations"], async (tx) => {
    const [removed] = await removeClients(tx, [clientId], note, ctx.actor);
    if (!removed) throw new AppError("not_found", `No client ${clientId}.`);
    const tokens = [
      removed.liveGrants ? `${removed.liveGrants} live grant(s)` : "",
      removed.liveAccessTokens ? `${removed.liveAccessTokens} live access token(s)` : "",
      removed.refreshTokens ? `${removed.refreshTokens} refresh token(s)` : "",
    ].filter(Boolean);
    await appendAudit(tx, [
      {
        kind: "client.deleted",
        actor: ctx.actor,
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `client ${removed.name} (${removed.status}) deleted${tokens.length ? ` with ${tokens.join(", ")}` : ""}: ${note}`,
        detail: { ...removed, blockedUntil: removed.blockedUntil?.toISOString() ?? null, reason: note },
      },
    ]);
    return removed;
  });
}
