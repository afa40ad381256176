import { z } from "zod";
import { APPROVAL_WEBHOOK_KEY, type StoredApprovalWebhook } from "@/lib/approvals/approval-webhook";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { seal } from "@/lib/keys/seal";
import { checkHostAllowed } from "@/lib/sinks/guarded-lookup";
import { SinkDeliveryError } from "@/lib/sinks/sink-errors";
import { parseSinkEndpoint } from "@/lib/sinks/sink-input";

const input = z.object({
  url: z.string().trim().min(1, "give the webhook URL").max(2000, "the webhook URL is longer than 2000 characters"),
  allowPrivate: z.boolean().default(false),
});

/**
 * Sets the webhook told of every new approval request (a Slack or Teams incoming webhook, or any receiver of the same
 * JSON). The URL follows the audit sinks' rules (lib/sinks): https outside localhost, no credentials, and a host that
 * resolves to a private address only with the explicit allowance. It is sealed at rest and never shown again in full.
 */
export async function setApprovalWebhook(url: string, allowPrivate: boolean, ctx: AuditContext): Promise<{ display: string }> {
  await requireActorScope(ctx, "settings:write");
  const parsed = input.safeParse({ url, allowPrivate });
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  let target;
  try {
    target = parseSinkEndpoint("webhook", parsed.data.url, parsed.data.allowPrivate);
    await checkHostAllowed(target.host, parsed.data.allowPrivate);
  } catch (error) {
    if (error instanceof SinkDeliveryError || !(error instanceof AppError)) {
      const message = (error as Error).message.replace(/^endpoint/, "the webhook URL");
      throw new AppError("invalid_input", `${message}${/private/.test(message) ? " (an admin may allow it explicitly)" : ""}`);
    }
    throw error;
  }
  // The path and query of a webhook URL are its secret: only the origin is ever shown.
  const display = `${target.url!.origin}/…`;
  const stored: StoredApprovalWebhook = { urlSealed: await seal(target.url!.toString()), display, allowPrivate: parsed.data.allowPrivate };
  await changeTransaction(["settings"], async (tx) => {
    await tx.setting.upsert({ where: { key: APPROVAL_WEBHOOK_KEY }, create: { key: APPROVAL_WEBHOOK_KEY, value: stored, updatedBy: ctx.actor }, update: { value: stored, updatedBy: ctx.actor } });
    await appendAudit(tx, [
      {
        kind: "settings.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `new approval requests are notified to the webhook at ${display}${stored.allowPrivate ? " (private addresses allowed)" : ""}`,
        detail: { key: APPROVAL_WEBHOOK_KEY, display, allowPrivate: stored.allowPrivate },
      },
    ]);
  });
  return { display };
}

/** No webhook is told of new approval requests any more; notifications still queued are dropped. */
export async function clearApprovalWebhook(ctx: AuditContext): Promise<boolean> {
  await requireActorScope(ctx, "settings:write");
  return changeTransaction(["settings"], async (tx) => {
    const removed = await tx.setting.deleteMany({ where: { key: APPROVAL_WEBHOOK_KEY } });
    if (removed.count === 0) return false;
    await tx.approvalNotification.updateMany({ where: { status: "pending" }, data: { status: "failed", lastError: "the webhook was removed" } });
    await appendAudit(tx, [
      { kind: "settings.changed", actor: ctx.actor, ip: ctx.ip, requestId: ctx.requestId, reason: "new approval requests are no longer notified to a webhook", detail: { key: APPROVAL_WEBHOOK_KEY, removed: true } },
    ]);
    return true;
  });
}
