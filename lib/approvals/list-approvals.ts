import { maskArguments } from "@/lib/approvals/mask-arguments";
import type { Db } from "@/lib/db/client";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

export interface ApprovalView {
  id: string;
  tool: string;
  caller: string;
  client: string;
  /** Pretty-printed, with the tool's masked fields and fields that look like secrets masked. */
  args: string;
  /** The fields masked by the tool's list (at the time of the call and now). */
  maskedFields: string[];
  reasonPath: string;
  status: string;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
}

/** The approvals queue: pending requests first (oldest first), then the latest decided ones. */
export async function listApprovals(database: Db, options: { status?: "pending" | "all"; limit?: number } = {}): Promise<ApprovalView[]> {
  const snapshot = await policySnapshot();
  const rows = await database.approvalRequest.findMany({
    where: options.status === "all" ? undefined : { status: "pending", expiresAt: { gt: new Date() } },
    orderBy: options.status === "all" ? { requestedAt: "desc" } : { requestedAt: "asc" },
    take: Math.min(options.limit ?? 100, 500),
  });
  return rows.map((r) => {
    // The list when the call was held and the tool's list now: a field masked once stays masked.
    const maskedFields = [...new Set([...(r.maskedFields ?? []), ...(snapshot.approvals?.get(r.toolName)?.maskedFields ?? [])])];
    return {
      id: r.id,
      tool: r.toolName,
      caller: snapshot.users.get(r.userId)?.email ?? r.userId,
      client: snapshot.clients.get(r.clientId)?.name ?? r.clientId,
      args: JSON.stringify(maskArguments(r.args, maskedFields), null, 2),
      maskedFields,
      reasonPath: r.reasonPath,
      status: r.status === "pending" && r.expiresAt <= new Date() ? "expired" : r.status,
      requestedAt: r.requestedAt,
      expiresAt: r.expiresAt,
      decidedBy: r.decidedBy?.startsWith("user:") ? (snapshot.users.get(r.decidedBy.slice(5))?.email ?? r.decidedBy) : r.decidedBy,
    };
  });
}
