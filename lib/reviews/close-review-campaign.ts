import { appendAudit, type AuditContext, type AuditEventInput } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { applyReviewDecision } from "@/lib/reviews/decide-review-items";

/**
 * Closes a campaign: every undecided item follows the campaign's setting (keep or revoke, chosen at start), recorded
 * per item as decided by the campaign default, then `review.closed`. The status moves only from open, in the same
 * transaction, so two instances' sweepers (or a sweeper and an admin) close it once.
 */
export async function closeReviewCampaign(campaignId: string, ctx: AuditContext, trigger: "manual" | "due" = "manual"): Promise<{ applied: number; undecided: string }> {
  return changeTransaction(["revocations"], async (tx) => {
    const campaign = await tx.reviewCampaign.findUnique({ where: { id: campaignId } });
    if (!campaign) throw new AppError("not_found", `No access review ${campaignId}.`);
    const now = new Date();
    const { count } = await tx.reviewCampaign.updateMany({ where: { id: campaignId, status: "open" }, data: { status: "closed", closedAt: now, closedBy: ctx.actor } });
    if (count === 0) throw new AppError("conflict", `Access review ${campaign.name} is already closed.`);
    const undecided = await tx.reviewItem.findMany({ where: { campaignId, decision: null } });
    const events: AuditEventInput[] = [];
    for (const item of undecided) {
      const decision = campaign.undecided === "revoke" ? "revoke" : "keep";
      const itemEvents = await applyReviewDecision(tx, item, { decision, campaignName: campaign.name, note: `undecided at ${trigger === "due" ? "the due date" : "closing"}: campaign default` }, { ctx, userId: null }, now);
      for (const e of itemEvents) if (e.kind === "review.decided") e.detail = { ...e.detail, campaignId, campaign: campaign.name, byDefault: true };
      events.push(...itemEvents);
    }
    events.push({
      kind: "review.closed",
      actor: ctx.actor,
      ip: ctx.ip,
      requestId: ctx.requestId,
      reason: `access review "${campaign.name}" closed (${trigger === "due" ? "due date reached" : "closed by hand"}); ${undecided.length} undecided item(s) ${campaign.undecided === "revoke" ? "revoked" : "kept"} by the campaign default`,
      detail: { campaignId, name: campaign.name, trigger, undecided: campaign.undecided, appliedByDefault: undecided.length },
    });
    await appendAudit(tx, events);
    return { applied: undecided.length, undecided: campaign.undecided };
  });
}

/** The maintenance sweeper's step: closes every open campaign past its due date. Safe on several instances at once. */
export async function closeDueReviewCampaigns(now = new Date()): Promise<number> {
  const due = await db().reviewCampaign.findMany({ where: { status: "open", dueAt: { lte: now } }, select: { id: true } });
  let closed = 0;
  for (const { id } of due) {
    try {
      await closeReviewCampaign(id, { actor: "system" }, "due");
      closed += 1;
    } catch (error) {
      // Another instance closed it first.
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
  return closed;
}
