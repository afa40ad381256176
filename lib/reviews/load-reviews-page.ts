import { listReviewCampaigns, type ReviewCampaignSummary } from "@/lib/reviews/list-review-campaigns";

/** The Reviews page: every campaign with its progress. */
export async function loadReviewsPage(): Promise<ReviewCampaignSummary[]> {
  return listReviewCampaigns();
}
