import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { ReviewEvidence } from "@/lib/reviews/review-evidence";

export interface ReviewItemView {
  id: string;
  grantId: string;
  user: { id: string; email: string };
  client: { id: string; name: string };
  scopes: string[];
  evidence: ReviewEvidence;
  decision: string | null;
  decidedScopes: string[];
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
}

export interface ReviewCampaignView {
  id: string;
  name: string;
  status: string;
  dueAt: string;
  undecided: string;
  createdAt: string;
  createdBy: string;
  closedAt: string | null;
  coverage: unknown;
  reviewers: { id: string; email: string }[];
  reviewerRoles: string[];
  items: ReviewItemView[];
}

/** One campaign with its items, evidence and decisions (names resolved), for the campaign page and `reviews show`. */
export async function loadReviewCampaign(campaignId: string): Promise<ReviewCampaignView> {
  const campaign = await db().reviewCampaign.findUnique({ where: { id: campaignId }, include: { items: true } });
  if (!campaign) throw new AppError("not_found", `No access review ${campaignId}.`);
  const userIds = [...new Set([...campaign.items.map((i) => i.userId), ...campaign.reviewerUserIds, ...campaign.items.flatMap((i) => (i.decidedBy ? [i.decidedBy] : []))])];
  const users = new Map((await db().user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  const clients = new Map((await db().client.findMany({ where: { id: { in: campaign.items.map((i) => i.clientId) } }, select: { id: true, name: true } })).map((c) => [c.id, c.name]));
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    dueAt: campaign.dueAt.toISOString(),
    undecided: campaign.undecided,
    createdAt: campaign.createdAt.toISOString(),
    createdBy: campaign.createdBy,
    closedAt: campaign.closedAt?.toISOString() ?? null,
    coverage: campaign.coverage,
    reviewers: campaign.reviewerUserIds.map((id) => ({ id, email: users.get(id) ?? id })),
    reviewerRoles: campaign.reviewerRoles,
    items: campaign.items
      .map((i) => ({
        id: i.id,
        grantId: i.grantId,
        user: { id: i.userId, email: users.get(i.userId) ?? i.userId },
        client: { id: i.clientId, name: clients.get(i.clientId) ?? i.clientId },
        scopes: i.scopes,
        evidence: i.evidence as unknown as ReviewEvidence,
        decision: i.decision,
        decidedScopes: i.decidedScopes,
        decidedBy: i.decidedBy ? (users.get(i.decidedBy) ?? i.decidedBy) : null,
        decidedAt: i.decidedAt?.toISOString() ?? null,
        note: i.note,
      }))
      .sort((a, b) => a.user.email.localeCompare(b.user.email) || a.client.name.localeCompare(b.client.name)),
  };
}
