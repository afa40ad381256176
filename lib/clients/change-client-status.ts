import { appendAudit, type AuditContext, type AuditKind } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";

export type ClientStatus = "pending" | "active" | "suspended" | "rejected";

/** DESIGN §2: pending → active ⇄ suspended, pending → rejected. Each allowed move and the event it records. */
const TRANSITIONS: Record<ClientStatus, Partial<Record<ClientStatus, AuditKind>>> = {
  pending: { active: "client.approved", rejected: "client.rejected" },
  active: { suspended: "client.suspended" },
  suspended: { active: "client.reactivated" },
  rejected: {},
};

const VERB: Record<string, string> = {
  "client.approved": "approved",
  "client.rejected": "rejected",
  "client.suspended": "suspended",
  "client.reactivated": "reactivated",
};

export interface ClientStatusChange {
  clientId: string;
  name: string;
  from: ClientStatus;
  to: ClientStatus;
  changedAt: Date;
}

/**
 * Moves a client along its lifecycle. A status change is policy (decisions read it) and revocation (tokens of a
 * client that is not active are refused at /mcp), so both caches are invalidated when it commits.
 */
export async function changeClientStatus(
  clientId: string,
  to: ClientStatus,
  ctx: AuditContext,
  reason?: string,
): Promise<ClientStatusChange> {
  return changeTransaction(["policy", "revocations"], async (tx) => {
    const client = await tx.client.findUnique({ where: { id: clientId }, select: { id: true, name: true, status: true } });
    if (!client) throw new AppError("not_found", `No client has client_id ${clientId}`);
    const from = client.status;
    if (from === to) throw new AppError("conflict", `Client ${client.name} is already ${to}`);
    const kind = TRANSITIONS[from][to];
    if (!kind) {
      const allowed = Object.keys(TRANSITIONS[from]);
      throw new AppError(
        "conflict",
        `Client ${client.name} is ${from}; it can ${allowed.length ? `only become ${allowed.join(" or ")}` : "no longer change status"}`,
      );
    }
    const changedAt = new Date();
    const note = reason?.trim() || null;
    await tx.client.update({
      where: { id: client.id },
      data: { status: to, statusReason: note, statusChangedAt: changedAt, statusChangedBy: ctx.actor },
    });
    await appendAudit(tx, [
      {
        kind,
        actor: ctx.actor,
        clientId: client.id,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `client ${client.name} ${VERB[kind]}${note ? `: ${note}` : ""}`,
        detail: { from, to, ...(note ? { note } : {}) },
      },
    ]);
    return { clientId: client.id, name: client.name, from, to, changedAt };
  });
}
