import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export const REVIEW_REPORT_TYPE = "portcullis.access-review-report";

export interface ReviewReportItem {
  itemId: string;
  grantId: string;
  user: string;
  client: string;
  scopesBefore: string[];
  decision: string | null;
  scopesAfter: string[];
  decidedBy: string | null;
  decidedAt: string | null;
  /** From the campaign's start to the decision. */
  secondsToDecide: number | null;
  byDefault: boolean;
  note: string | null;
}

export interface ReviewReport {
  type: typeof REVIEW_REPORT_TYPE;
  issuer: string;
  generatedAt: string;
  campaign: { id: string; name: string; status: string; createdAt: string; createdBy: string; dueAt: string; closedAt: string | null; undecided: string; coverage: unknown };
  summary: {
    items: number;
    kept: number;
    downscoped: number;
    revoked: number;
    undecided: number;
    byReviewer: { reviewer: string; decisions: number; medianSecondsToDecide: number | null }[];
  };
  items: ReviewReportItem[];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/** Who decided what, how long it took, and what was revoked or narrowed: the campaign's report, as data. */
export async function buildReviewReport(campaignId: string, now = new Date()): Promise<ReviewReport> {
  const campaign = await db().reviewCampaign.findUnique({ where: { id: campaignId }, include: { items: { orderBy: { id: "asc" } } } });
  if (!campaign) throw new AppError("not_found", `No access review ${campaignId}.`);
  const userIds = [...new Set([...campaign.items.map((i) => i.userId), ...campaign.items.flatMap((i) => (i.decidedBy ? [i.decidedBy] : []))])];
  const users = new Map((await db().user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  const clients = new Map((await db().client.findMany({ where: { id: { in: campaign.items.map((i) => i.clientId) } }, select: { id: true, name: true } })).map((c) => [c.id, c.name]));
  const items: ReviewReportItem[] = campaign.items.map((item) => {
    const byDefault = item.decision !== null && item.note?.endsWith("campaign default") === true && (item.decidedBy === "system" || item.decidedBy === campaign.closedBy);
    return {
      itemId: item.id,
      grantId: item.grantId,
      user: users.get(item.userId) ?? item.userId,
      client: clients.get(item.clientId) ?? item.clientId,
      scopesBefore: item.scopes,
      decision: item.decision,
      scopesAfter: item.decision === "revoke" ? [] : item.decision === "downscope" ? item.decidedScopes : item.scopes,
      decidedBy: item.decidedBy ? (users.get(item.decidedBy) ?? item.decidedBy) : null,
      decidedAt: item.decidedAt?.toISOString() ?? null,
      secondsToDecide: item.decidedAt ? Math.round((item.decidedAt.getTime() - campaign.createdAt.getTime()) / 1000) : null,
      byDefault,
      note: item.note,
    };
  });
  const reviewers = new Map<string, number[]>();
  for (const item of items) {
    if (!item.decidedBy || item.byDefault) continue;
    reviewers.set(item.decidedBy, [...(reviewers.get(item.decidedBy) ?? []), item.secondsToDecide ?? 0]);
  }
  const count = (d: string | null) => items.filter((i) => i.decision === d).length;
  return {
    type: REVIEW_REPORT_TYPE,
    issuer: env().issuer,
    generatedAt: now.toISOString(),
    campaign: {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      createdAt: campaign.createdAt.toISOString(),
      createdBy: campaign.createdBy,
      dueAt: campaign.dueAt.toISOString(),
      closedAt: campaign.closedAt?.toISOString() ?? null,
      undecided: campaign.undecided,
      coverage: campaign.coverage,
    },
    summary: {
      items: items.length,
      kept: count("keep"),
      downscoped: count("downscope"),
      revoked: count("revoke"),
      undecided: count(null),
      byReviewer: [...reviewers].map(([reviewer, times]) => ({ reviewer, decisions: times.length, medianSecondsToDecide: median(times) })).sort((a, b) => a.reviewer.localeCompare(b.reviewer)),
    },
    items,
  };
}
