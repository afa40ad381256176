import { buildReviewReport, type ReviewReport } from "@/lib/reviews/build-review-report";
import { loadReviewCampaign, type ReviewCampaignView } from "@/lib/reviews/load-review-campaign";

/** The campaign page: the campaign with its items, and its report as it stands. */
export async function loadReviewCampaignPage(campaignId: string): Promise<{ campaign: ReviewCampaignView; report: ReviewReport }> {
  const campaign = await loadReviewCampaign(campaignId);
  return { campaign, report: await buildReviewReport(campaignId) };
}
