import { appendAudit, type AuditContext, type AuditKind } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";

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
  from: Status;
  status: Status;
  changedAt: Date;
}

/**
 * Moves a client along its lifecycle with a reason, in one transaction with its audit event. A client's status is
 * policy: the token endpoint and /mcp refuse a client that is not active from the first request after this returns.
 * Suspension is reversible — grants are kept and work again on reactivation; revoking them is a separate, explicit act
 * (revoke all for a client). `extra` runs in the same transaction before the audit event (approval sets the allow-list
 * there) and returns detail for the event.
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
  return changeTransaction(["policy"], async (tx) => {
    const client = await tx.client.findUnique({ where: { id: clientId }, select: { id: true, name: true, status: true, allowedScopes: true } });
    if (!client) throw new AppError("not_found", `No client ${clientId}.`);
    if (client.status !== transition.from) {
      const article = /^[aeiou]/.test(transition.from) ? "an" : "a";
      throw new AppError("conflict", `Client ${client.name} is ${client.status}; only ${article} ${transition.from} client can be ${transition.past}.`);
    }
    const now = new Date();
    await tx.client.update({
      where: { id: clientId },
      data: {
        status: transition.to,
        statusReason: trimmed,
        statusChangedAt: now,
        statusChangedBy: ctx.actor,
        // An approval covers the client as the reviewer saw it: its current redirect URIs, grant types and auth method.
        ...(transition.verb === "approve" ? { approvedMetadata: Prisma.DbNull } : {}),
      },
    });
    const added = extra ? await extra(tx) : {};
    await appendAudit(tx, [
      {
        kind: transition.kind,
        actor: ctx.actor,
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: added.scopes ?? client.allowedScopes,
        reason: `client ${client.name} ${transition.from} → ${transition.to}: ${trimmed}`,
        detail: { from: transition.from, to: transition.to, reason: trimmed, ...added.detail },
      },
    ]);
    return { clientId, name: client.name, from: transition.from, status: transition.to, changedAt: now };
  });
}
