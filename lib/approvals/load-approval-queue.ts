import { listApprovals, type ApprovalView } from "@/lib/approvals/list-approvals";
import { db } from "@/lib/db/client";

/** The approvals page: what waits, and the latest decided requests. */
export async function loadApprovalQueue(): Promise<{ pending: ApprovalView[]; recent: ApprovalView[] }> {
  const database = db();
  const [pending, all] = await Promise.all([listApprovals(database), listApprovals(database, { status: "all", limit: 30 })]);
  return { pending, recent: all.filter((a) => a.status !== "pending") };
}
