import { appendAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";

/**
 * Pending (or approved but unused) approval requests past their expiry become `expired`, each with an
 * `approval.expired` event in the same transaction as its change (DESIGN §11). Run by every server's maintenance pass;
 * safe on several instances at once, since only the transaction that moves a row out of its status writes its event.
 */
export async function expireApprovalRequests(options: { batch?: number; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const due = await db().approvalRequest.findMany({
    where: { status: { in: ["pending", "approved"] }, expiresAt: { lte: now } },
    orderBy: { expiresAt: "asc" },
    take: options.batch ?? 200,
    select: { id: true },
  });
  let expired = 0;
  for (const { id } of due) {
    expired += await db().$transaction(async (tx) => {
      const row = await tx.approvalRequest.findUnique({ where: { id } });
      if (!row) return 0;
      const moved = await tx.approvalRequest.updateMany({ where: { id, status: row.status, expiresAt: { lte: now } }, data: { status: "expired" } });
      if (moved.count !== 1) return 0;
      await appendAudit(tx, [
        {
          kind: "approval.expired",
          actor: "system",
          subject: row.userId,
          clientId: row.clientId,
          tool: row.toolName,
          decision: "deny",
          reason: `approval request ${id} for ${row.toolName} expired at ${row.expiresAt.toISOString()} ${row.status === "approved" ? "approved but never used" : "without a decision"}`,
          requestId: null,
          ip: null,
          detail: { approvalRequest: id, argsSha256: row.argsSha256, was: row.status },
        },
      ]);
      return 1;
    });
  }
  return expired;
}
