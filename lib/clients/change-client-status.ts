import { appendAudit, type AuditContext, type AuditKind } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import type { ChangeTopic } from "@/lib/changes/change-versions";
import type { Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { revokeGrants } from "@/lib/grants/revoke-grants";

type Status = "pending" | "active" | "suspended" | "rejected";

export interface StatusTransition {
  verb: "approve" | "reject" | "suspend" | "reactivate";
  past: string;
  from: Status;
  to: Status;
  kind: AuditKind;
}

/** DESIGN §2: pending → active ⇄ suspended, pending → rejected. */
export const TRANSITIONS = {
  approve: { verb: "approve", past: "approved", from: "pending", to: "active", kind: "client.approved" },
  reject: { verb: "reject", past: "rejected", from: "pending", to: "rejected", kind: "client.rejected" },
  suspend: { verb: "suspend", past: "suspended", from: "active", to: "suspended", kind: "client.suspended" },
  reactivate: { verb: "reactivate", past: "reactivated", from: "suspended", to: "active", kind: "client.reactivated" },
} as const satisfies Record<string, StatusTransition>;

export interface ClientStatusChange {
  clientId: string;
  name: string;
  status: Status;
  revokedGrants: number;
}

/**
 * Moves a client along its lifecycle with a reason, in one transaction with its audit event. Suspension revokes every
 * grant the client holds (users authorize it afresh after reactivation). `extra` runs in the same transaction before the
 * audit event (approval sets the allow-list there) and returns detail for the event.
 */
export async function changeClientStatus(
  clientId: string,
  transition: StatusTransition,
  reason: string,
  ctx: AuditContext,
  extra?: (tx: Tx) => Promise<{ scopes?: string[]; detail?: Record<string, unknown> }>,
): Promise<ClientStatusChange> {
  const trimmed = reason.trim();
  if (!trimmed) throw new AppError("invalid_input", `Give a reason to ${transition.verb} a client.`);
  if (trimmed.length > 500) throw new AppError("invalid_input", "Keep the reason under 500 characters.");
  const topics: ChangeTopic[] = transition.to === "suspended" ? ["policy", "revocations"] : ["policy"];
  return changeTransaction(topics, async (tx) => {
    const client = await tx.client.findUnique({ where: { id: clientId }, select: { id: true, name: true, status: true, allowedScopes: true } });
    if (!client) throw new AppError("not_found", `No client ${clientId}.`);
    if (client.status !== transition.from) {
      throw new AppError("conflict", `Client ${client.name} is ${client.status}; only a ${transition.from} client can be ${transition.past}.`);
    }
    const now = new Date();
    await tx.client.update({
      where: { id: clientId },
      data: { status: transition.to, statusReason: trimmed, statusChangedAt: now, statusChangedBy: ctx.actor },
    });
    const added = extra ? await extra(tx) : {};
    const revoked = transition.to === "suspended" ? await revokeGrants(tx, { clientId }, `client suspended: ${trimmed}`, now) : { grantIds: [] };
    await appendAudit(tx, [
      {
        kind: transition.kind,
        actor: ctx.actor,
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: added.scopes ?? client.allowedScopes,
        reason: `client ${client.name} ${transition.from} → ${transition.to}: ${trimmed}${revoked.grantIds.length ? `; ${revoked.grantIds.length} grant(s) revoked` : ""}`,
        detail: { from: transition.from, to: transition.to, reason: trimmed, revokedGrants: revoked.grantIds, ...added.detail },
      },
    ]);
    return { clientId, name: client.name, status: transition.to, revokedGrants: revoked.grantIds.length };
  });
}
