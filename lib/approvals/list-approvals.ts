import type { Db } from "@/lib/db/client";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

export interface ApprovalView {
  id: string;
  tool: string;
  caller: string;
  client: string;
  /** Pretty-printed, with the values of fields that look like secrets masked. */
  args: string;
  reasonPath: string;
  status: string;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
}

const SECRET_FIELD = /pass(word)?|secret|token|api[-_]?key|authorization|credential|private/i;

function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? "••••••" : masked(v)]));
  }
  return value;
}

/** The approvals queue: pending requests first (oldest first), then the latest decided ones. */
export async function listApprovals(database: Db, options: { status?: "pending" | "all"; limit?: number } = {}): Promise<ApprovalView[]> {
  const snapshot = await policySnapshot();
  const rows = await database.approvalRequest.findMany({
    where: options.status === "all" ? undefined : { status: "pending", expiresAt: { gt: new Date() } },
    orderBy: options.status === "all" ? { requestedAt: "desc" } : { requestedAt: "asc" },
    take: Math.min(options.limit ?? 100, 500),
  });
  return rows.map((r) => ({
    id: r.id,
    tool: r.toolName,
    caller: snapshot.users.get(r.userId)?.email ?? r.userId,
    client: snapshot.clients.get(r.clientId)?.name ?? r.clientId,
    args: JSON.stringify(masked(r.args), null, 2),
    reasonPath: r.reasonPath,
    status: r.status === "pending" && r.expiresAt <= new Date() ? "expired" : r.status,
    requestedAt: r.requestedAt,
    expiresAt: r.expiresAt,
    decidedBy: r.decidedBy?.startsWith("user:") ? (snapshot.users.get(r.decidedBy.slice(5))?.email ?? r.decidedBy) : r.decidedBy,
  }));
}
