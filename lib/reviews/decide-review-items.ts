import { appendAudit, type AuditContext, type AuditEventInput } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import type { Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { revokeGrants } from "@/lib/grants/revoke-grants";
import { narrowGrantScopes } from "@/lib/reviews/narrow-grant-scopes";
import type { ReviewEvidence } from "@/lib/reviews/review-evidence";
import type { ReviewDecision } from "@/lib/reviews/review-input";

export interface ReviewActor {
  ctx: AuditContext;
  /** The reviewer deciding (console); null for the CLI operator and for the campaign's own default at the due date. */
  userId: string | null;
}

export interface DecisionRequest {
  campaignId: string;
  itemIds: string[];
  decision: ReviewDecision;
  /** downscope: the scopes to keep (default: each item's suggested scopes). */
  scopes?: string[];
  note?: string;
}

interface Item {
  id: string;
  grantId: string;
  userId: string;
  clientId: string;
  scopes: string[];
  evidence: unknown;
  decision: string | null;
}

/**
 * Applies one decision to one item inside the caller's transaction and returns its audit events: keep changes
 * nothing, downscope narrows the grant (narrowGrantScopes), revoke revokes it as the console's revoke does. Used by
 * reviewers' decisions and by the campaign's default at the due date alike.
 */
export async function applyReviewDecision(tx: Tx, item: Item, request: Omit<DecisionRequest, "itemIds" | "campaignId"> & { campaignName: string }, actor: ReviewActor, now = new Date()): Promise<AuditEventInput[]> {
  const grant = await tx.grant.findUnique({ where: { id: item.grantId }, select: { scopes: true, revokedAt: true, user: { select: { email: true } }, client: { select: { name: true } } } });
  let decidedScopes: string[] = [];
  const events: AuditEventInput[] = [];
  const who = grant ? `${grant.user.email} for client ${grant.client.name}` : `grant ${item.grantId}`;
  if (request.decision === "downscope") {
    const current = grant?.scopes ?? [];
    decidedScopes = [...new Set(request.scopes ?? (item.evidence as ReviewEvidence).suggestedScopes)];
    const outside = decidedScopes.filter((s) => !current.includes(s));
    if (outside.length) throw new AppError("invalid_input", `Downscoping ${who} cannot add scopes it does not hold: ${outside.join(", ")}.`);
    if (decidedScopes.length === 0) throw new AppError("invalid_input", `Downscoping ${who} would leave no scope: revoke it instead.`);
    if (decidedScopes.length === current.length) throw new AppError("invalid_input", `Downscoping ${who} to the scopes it already has changes nothing: keep it instead.`);
    if (grant && !grant.revokedAt) await narrowGrantScopes(tx, item.grantId, decidedScopes, now);
  }
  if (request.decision === "revoke" && grant && !grant.revokedAt) {
    const revoked = await revokeGrants(tx, { ids: [item.grantId] }, `access review ${request.campaignName}`, now);
    events.push({
      kind: "grant.revoked",
      actor: actor.ctx.actor,
      subject: item.userId,
      clientId: item.clientId,
      scopes: grant.scopes,
      ip: actor.ctx.ip,
      requestId: actor.ctx.requestId,
      reason: `grant ${item.grantId} of ${who} revoked: access review ${request.campaignName}`,
      detail: { grantId: item.grantId, cause: `access review ${request.campaignName}`, accessTokens: revoked.accessTokens, refreshTokens: revoked.refreshTokens, consentsWithdrawn: revoked.consentsWithdrawn },
    });
  }
  await tx.reviewItem.update({
    where: { id: item.id },
    data: { decision: request.decision, decidedScopes, decidedBy: actor.userId ?? actor.ctx.actor, decidedAt: now, note: request.note?.trim() || null },
  });
  const removed = request.decision === "downscope" ? (grant?.scopes ?? []).filter((s) => !decidedScopes.includes(s)) : [];
  events.unshift({
    kind: "review.decided",
    actor: actor.ctx.actor,
    subject: item.userId,
    clientId: item.clientId,
    scopes: request.decision === "downscope" ? decidedScopes : item.scopes,
    ip: actor.ctx.ip,
    requestId: actor.ctx.requestId,
    reason: `access review ${request.campaignName}: ${request.decision} grant ${item.grantId} of ${who}${removed.length ? ` (removed ${removed.join(", ")})` : ""}${grant?.revokedAt ? " (the grant was already revoked)" : ""}`,
    detail: { itemId: item.id, grantId: item.grantId, decision: request.decision, ...(removed.length ? { removedScopes: removed } : {}), ...(request.note ? { note: request.note } : {}) },
  });
  return events;
}

/**
 * Decides items of an open campaign — one, or many at once (bulk), each recorded as its own event — in one
 * transaction with the grant changes, so an MCP client loses the access from its next call. A reviewer must be
 * assigned to the campaign and may not decide their own access; an item is decided once.
 */
export async function decideReviewItems(request: DecisionRequest, actor: ReviewActor): Promise<{ decided: number }> {
  if (request.itemIds.length === 0) throw new AppError("invalid_input", "Choose at least one item to decide.");
  return changeTransaction(["revocations"], async (tx) => {
    const campaign = await tx.reviewCampaign.findUnique({ where: { id: request.campaignId }, select: { id: true, name: true, status: true, reviewerUserIds: true } });
    if (!campaign) throw new AppError("not_found", `No access review ${request.campaignId}.`);
    if (campaign.status !== "open") throw new AppError("conflict", `Access review ${campaign.name} is closed: its decisions are final.`);
    if (actor.userId && !campaign.reviewerUserIds.includes(actor.userId)) throw new AppError("forbidden", `You are not a reviewer of ${campaign.name}.`);
    const items = await tx.reviewItem.findMany({ where: { campaignId: campaign.id, id: { in: request.itemIds } } });
    if (items.length !== new Set(request.itemIds).size) throw new AppError("not_found", "Some of the items are not part of this access review.");
    const events: AuditEventInput[] = [];
    const now = new Date();
    for (const item of items) {
      if (actor.userId && item.userId === actor.userId) throw new AppError("forbidden", "Nobody reviews their own access: another reviewer decides your grants.");
      if (item.decision) throw new AppError("conflict", `Item ${item.id} was already decided (${item.decision}).`);
      events.push(...(await applyReviewDecision(tx, item, { ...request, campaignName: campaign.name }, actor, now)));
    }
    for (const event of events) if (event.kind === "review.decided") event.detail = { ...event.detail, campaignId: campaign.id, campaign: campaign.name };
    await appendAudit(tx, events);
    return { decided: items.length };
  });
}
