import { recordAudit, type AuditContext } from "@/lib/audit";
import { buildReviewReport } from "@/lib/reviews/build-review-report";
import { reviewReportCsv, signReviewReport } from "@/lib/reviews/review-report-formats";

export type ReviewReportFormat = "json" | "csv" | "signed";

/** A campaign's report in one format, and `review.reported` recording who took it. */
export async function exportReviewReport(campaignId: string, format: ReviewReportFormat, ctx: AuditContext): Promise<string> {
  const report = await buildReviewReport(campaignId);
  const text =
    format === "csv" ? reviewReportCsv(report) : format === "signed" ? `${JSON.stringify(await signReviewReport(report), null, 2)}\n` : `${JSON.stringify(report, null, 2)}\n`;
  await recordAudit({
    kind: "review.reported",
    actor: ctx.actor,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: `access review "${report.campaign.name}" report exported as ${format}`,
    detail: { campaignId, format, items: report.summary.items },
  });
  return text;
}
