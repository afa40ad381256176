import { approvalWebhook } from "@/lib/approvals/approval-webhook";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { guardedPost } from "@/lib/sinks/guarded-post";
import { deliveryErrorMessage } from "@/lib/sinks/sink-errors";

/** Where an approver decides a request: the Approvals page, scrolled to it. */
export function approvalPageUrl(requestId: string): string {
  return `${env().issuer.replace(/\/$/, "")}/approvals#request-${requestId}`;
}

/**
 * The JSON body: `text` is what Slack and Teams incoming webhooks both display (mrkdwn-style link for Slack, which Teams
 * shows as text); `portcullis` carries the same facts for any other receiver. The arguments are not sent — the page
 * shows them, masked as the tool's settings say.
 */
function notificationBody(view: { id: string; tool: string; caller: string; client: string; expiresAt: Date }): Buffer {
  const link = approvalPageUrl(view.id);
  return Buffer.from(
    JSON.stringify({
      text: `Approval needed: ${view.caller} called ${view.tool} through ${view.client}. Decide before ${view.expiresAt.toISOString()}: <${link}|open request ${view.id}>`,
      portcullis: { approval_request: view.id, tool: view.tool, caller: view.caller, client: view.client, expires_at: view.expiresAt.toISOString(), url: link },
    }),
    "utf8",
  );
}

/**
 * Sends one queued notification of a new approval request to the admin-set webhook (no redirects followed, the sinks'
 * SSRF rules). A failure is kept on the row for the Approvals page and retried with doubling back-off until the
 * configured number of attempts is spent; the retry is scheduled here and, after a restart, by the maintenance pass.
 */
export async function notifyApprovalRequest(notificationId: string): Promise<"sent" | "retry" | "failed" | "skipped"> {
  const config = env().approvals;
  const row = await db().approvalNotification.findUnique({ where: { id: notificationId }, include: { request: true } });
  if (!row || row.status !== "pending") return "skipped";
  const webhook = await approvalWebhook();
  if (!webhook) {
    await db().approvalNotification.update({ where: { id: row.id }, data: { status: "failed", lastError: "no webhook is set" } });
    return "failed";
  }
  const snapshot = await policySnapshot();
  const request = row.request;
  const view = {
    id: request.id,
    tool: request.toolName,
    caller: snapshot.users.get(request.userId)?.email ?? request.userId,
    client: snapshot.clients.get(request.clientId)?.name ?? request.clientId,
    expiresAt: request.expiresAt,
  };
  try {
    await guardedPost(webhook.url, notificationBody(view), {
      contentType: "application/json",
      headers: { "User-Agent": "Portcullis (approval notification)" },
      allowPrivate: webhook.allowPrivate,
      timeoutMs: env().sinks.timeoutMs,
    });
    await db().approvalNotification.update({ where: { id: row.id }, data: { status: "sent", attempts: row.attempts + 1, sentAt: new Date(), lastError: null } });
    return "sent";
  } catch (error) {
    const attempts = row.attempts + 1;
    const exhausted = attempts >= config.notifyAttempts;
    const delay = config.notifyBackoffMs * 2 ** (attempts - 1);
    await db().approvalNotification.update({
      where: { id: row.id },
      data: { attempts, status: exhausted ? "failed" : "pending", lastError: deliveryErrorMessage(error), nextAttemptAt: new Date(Date.now() + delay) },
    });
    logger.warn("approval notification failed", { notification: row.id, approvalRequest: request.id, attempts, exhausted, error: deliveryErrorMessage(error) });
    if (!exhausted) setTimeout(() => void notifyApprovalRequest(row.id).catch(() => {}), delay).unref();
    return exhausted ? "failed" : "retry";
  }
}

/** Queued notifications whose next attempt is due (after a restart, or a missed in-process retry). */
export async function retryApprovalNotifications(): Promise<void> {
  const due = await db().approvalNotification.findMany({ where: { status: "pending", nextAttemptAt: { lte: new Date() } }, orderBy: { nextAttemptAt: "asc" }, take: 50, select: { id: true } });
  for (const { id } of due) await notifyApprovalRequest(id);
}
