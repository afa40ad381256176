import { APPROVAL_WEBHOOK_KEY, storedApprovalWebhook } from "@/lib/approvals/approval-webhook";
import { db } from "@/lib/db/client";

export interface ApprovalNotificationsView {
  /** The webhook's origin (its path is the secret, never shown), or null when none is set. */
  webhook: { display: string; allowPrivate: boolean; updatedBy: string | null } | null;
  /** The latest notifications, newest first: sent, still being retried, or failed for good with their last error. */
  recent: { id: string; requestId: string; tool: string; status: string; attempts: number; lastError: string | null; nextAttemptAt: Date; sentAt: Date | null }[];
}

/** The webhook set for new approval requests and how its latest notifications went (Approvals page, CLI). */
export async function loadApprovalNotifications(limit = 20): Promise<ApprovalNotificationsView> {
  const [setting, rows] = await Promise.all([
    db().setting.findUnique({ where: { key: APPROVAL_WEBHOOK_KEY } }),
    db().approvalNotification.findMany({ orderBy: { createdAt: "desc" }, take: limit, include: { request: { select: { toolName: true } } } }),
  ]);
  const stored = storedApprovalWebhook.safeParse(setting?.value);
  return {
    webhook: stored.success ? { display: stored.data.display, allowPrivate: stored.data.allowPrivate, updatedBy: setting?.updatedBy ?? null } : null,
    recent: rows.map((r) => ({ id: r.id, requestId: r.requestId, tool: r.request.toolName, status: r.status, attempts: r.attempts, lastError: r.lastError, nextAttemptAt: r.nextAttemptAt, sentAt: r.sentAt })),
  };
}
