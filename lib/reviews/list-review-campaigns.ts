import { db } from "@/lib/db/client";

export interface ReviewCampaignSummary {
  id: string;
  name: string;
  status: string;
  dueAt: string;
  undecided: string;
  createdAt: string;
  items: number;
  decided: number;
  reviewers: number;
}

/** Campaigns, open ones first then newest, with their progress. */
export async function listReviewCampaigns(): Promise<ReviewCampaignSummary[]> {
  const campaigns = await db().reviewCampaign.findMany({ orderBy: [{ status: "desc" }, { createdAt: "desc" }], take: 200 });
  const counts = await db().reviewItem.groupBy({ by: ["campaignId", "decision"], where: { campaignId: { in: campaigns.map((c) => c.id) } }, _count: { _all: true } });
  return campaigns.map((c) => {
    const mine = counts.filter((x) => x.campaignId === c.id);
    const items = mine.reduce((n, x) => n + x._count._all, 0);
    const decided = mine.filter((x) => x.decision !== null).reduce((n, x) => n + x._count._all, 0);
    return { id: c.id, name: c.name, status: c.status, dueAt: c.dueAt.toISOString(), undecided: c.undecided, createdAt: c.createdAt.toISOString(), items, decided, reviewers: c.reviewerUserIds.length };
  });
}
