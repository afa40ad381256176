import { notFound } from "next/navigation";
import { Forbidden } from "@/components/console/forbidden";
import { ReviewCampaignControls } from "@/components/reviews/review-campaign-controls";
import { ReviewItemRow } from "@/components/reviews/review-item-row";
import { ReviewReportSummary } from "@/components/reviews/review-report-summary";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { consoleUser } from "@/lib/auth/console-user";
import { isAppError } from "@/lib/errors";
import { loadReviewCampaignPage } from "@/lib/reviews/load-review-campaign-page";

export const metadata = { title: "Access review" };
export const dynamic = "force-dynamic";

export default async function ReviewCampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await consoleUser();
  if (!me.scopes.has("audit:read") && !me.scopes.has("reviews:write")) return <Forbidden message="You need the reviews:write or audit:read scope to see access reviews." />;
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const { campaign, report } = await loadReviewCampaignPage(id).catch((error) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const open = campaign.status === "open";
  const reviewer = me.scopes.has("reviews:write") && campaign.reviewers.some((r) => r.id === me.id);
  const undecided = campaign.items.filter((i) => !i.decision && i.user.id !== me.id);
  const suggested = { keep: undecided.filter((i) => i.evidence.suggestion === "keep").map((i) => i.id), revoke: undecided.filter((i) => i.evidence.suggestion === "revoke").map((i) => i.id) };
  const decided = campaign.items.filter((i) => i.decision).length;
  return (
    <>
      <PageHeader
        title={campaign.name}
        description={`${decided} of ${campaign.items.length} decided. Items undecided at the due date will be ${campaign.undecided === "keep" ? "kept" : "revoked"}.`}
        actions={
          <div className="flex gap-2">
            <a className={buttonClasses("secondary")} href={`/reviews/${campaign.id}/report?format=csv`}>Report (CSV)</a>
            <a className={buttonClasses("secondary")} href={`/reviews/${campaign.id}/report?format=signed`}>Signed report</a>
          </div>
        }
      />
      <Card>
        <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-500">Status</dt><dd><Badge tone={open ? "brand" : "neutral"}>{campaign.status}</Badge>{campaign.closedAt ? <> · closed <Time value={campaign.closedAt} /></> : null}</dd>
          <dt className="text-slate-500">Due</dt><dd><Time value={campaign.dueAt} /></dd>
          <dt className="text-slate-500">Undecided at due date</dt><dd data-testid="undecided-setting">{campaign.undecided}</dd>
          <dt className="text-slate-500">Reviewers</dt><dd>{campaign.reviewers.map((r) => r.email).join(", ")}{campaign.reviewerRoles.length ? ` (roles: ${campaign.reviewerRoles.join(", ")})` : ""}</dd>
        </dl>
        {open && reviewer ? <div className="mt-4"><ReviewCampaignControls campaignId={campaign.id} suggested={suggested} undecided={campaign.undecided} /></div> : null}
      </Card>
      <Card title="Report" className="mt-6">
        <ReviewReportSummary report={report} />
      </Card>
      <Card title="Items" className="mt-6">
        <ul className="space-y-3" data-testid="review-items">
          {campaign.items.map((item) => (
            <ReviewItemRow key={item.id} campaignId={campaign.id} item={item} canDecide={open && reviewer && item.user.id !== me.id} />
          ))}
        </ul>
      </Card>
    </>
  );
}
