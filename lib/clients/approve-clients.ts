import type { AuditContext } from "@/lib/audit";
import { approveClient } from "@/lib/clients/approve-client";
import { db } from "@/lib/db/client";
import { AppError, publicError } from "@/lib/errors";

export interface BulkApproval {
  approved: Array<{ clientId: string; name: string }>;
  /** Clients that could not be approved, each with the reason (already decided, needs a service identity…). */
  refused: Array<{ clientId: string; name: string; error: string }>;
}

export const BULK_APPROVE_MAX = 200;

/**
 * Approves several pending clients with one reason, each with the allow-list it already has. Each approval is its own
 * transaction and audit event — one client's refusal (say, a client_credentials client that needs a service identity
 * chosen for it) does not hold back the others, and each client's history shows its own approval.
 */
export async function approveClients(clientIds: readonly string[], reason: string, ctx: AuditContext): Promise<BulkApproval> {
  const ids = [...new Set(clientIds)];
  if (ids.length === 0) throw new AppError("invalid_input", "Select at least one pending client.");
  if (ids.length > BULK_APPROVE_MAX) throw new AppError("invalid_input", `Approve at most ${BULK_APPROVE_MAX} clients at once.`);
  if (!reason.trim()) throw new AppError("invalid_input", "Give a reason to approve a client.");
  const names = new Map((await db().client.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((c) => [c.id, c.name]));
  const result: BulkApproval = { approved: [], refused: [] };
  for (const clientId of ids) {
    try {
      const change = await approveClient(clientId, reason, ctx);
      result.approved.push({ clientId, name: change.name });
    } catch (error) {
      const { code, message } = publicError(error);
      // Anything but a business refusal (the database failing) stops the batch: later approvals would fail the same way.
      if (code === "internal" || code === "unavailable") throw error;
      result.refused.push({ clientId, name: names.get(clientId) ?? clientId, error: message });
    }
  }
  return result;
}
