import type { Db } from "@/lib/db/client";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { formatReason, type PolicySnapshot } from "@/lib/policy/types";

const DAY = 86_400_000;
const CLIENT_HISTORY_KINDS = ["client.registered", "client.approved", "client.rejected", "client.suspended", "client.reactivated", "client.updated", "client.changed", "client.deleted"];

export interface ToolUse {
  tool: string;
  requiredScope: string | null;
  calls30: number;
  denials30: number;
  calls90: number;
  denials90: number;
  lastCallAt: string | null;
}

/** What a reviewer sees for one grant, taken when the campaign starts. */
export interface ReviewEvidence {
  lastUsedAt: string | null;
  grantedAt: string;
  tools: ToolUse[];
  /** Scopes no allowed call needed in the last 90 days. */
  unusedScopes: string[];
  /** The grant's scopes that allowed calls needed: the suggested downscope (empty: nothing was used). */
  suggestedScopes: string[];
  suggestion: "keep" | "downscope" | "revoke";
  clientHistory: { at: string; kind: string; actor: string | null; reason: string | null }[];
  roles: string[];
  /** For each granted scope, how the user holds it now (reason path), or that they no longer do. */
  reasonPaths: { scope: string; path: string | null }[];
}

interface GrantUnderReview {
  id: string;
  userId: string;
  clientId: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/**
 * Evidence for many grants at once: decision counts per user × client × tool over 30 and 90 days (two grouped queries
 * over the audit log, whatever the number of grants), the client's approval history, and the user's current reason
 * path to each granted scope.
 */
export async function gatherReviewEvidence(database: Db, snapshot: PolicySnapshot, grants: GrantUnderReview[], now = new Date()): Promise<Map<string, ReviewEvidence>> {
  const userIds = [...new Set(grants.map((g) => g.userId))];
  const clientIds = [...new Set(grants.map((g) => g.clientId))];
  const window = (days: number) =>
    database.auditEvent.groupBy({
      by: ["subject", "clientId", "tool", "decision"],
      where: { kind: { in: ["decision.allow", "decision.deny"] }, at: { gte: new Date(now.getTime() - days * DAY) }, subject: { in: userIds }, clientId: { in: clientIds }, tool: { not: null } },
      _count: { _all: true },
      _max: { at: true },
    });
  const [last30, last90, history] = await Promise.all([
    window(30),
    window(90),
    database.auditEvent.findMany({
      where: { kind: { in: CLIENT_HISTORY_KINDS }, clientId: { in: clientIds } },
      orderBy: { seq: "desc" },
      take: 20 * clientIds.length,
      select: { at: true, kind: true, actor: true, reason: true, clientId: true },
    }),
  ]);
  const evidence = new Map<string, ReviewEvidence>();
  for (const grant of grants) {
    const tools = new Map<string, ToolUse>();
    const use = (tool: string) => {
      let entry = tools.get(tool);
      if (!entry) {
        entry = { tool, requiredScope: snapshot.tools.get(tool)?.requiredScope ?? null, calls30: 0, denials30: 0, calls90: 0, denials90: 0, lastCallAt: null };
        tools.set(tool, entry);
      }
      return entry;
    };
    for (const [rows, days] of [[last30, 30], [last90, 90]] as const) {
      for (const row of rows) {
        if (row.subject !== grant.userId || row.clientId !== grant.clientId || !row.tool) continue;
        const entry = use(row.tool);
        const count = row._count._all;
        if (days === 30) row.decision === "allow" ? (entry.calls30 += count) : (entry.denials30 += count);
        else {
          row.decision === "allow" ? (entry.calls90 += count) : (entry.denials90 += count);
          const at = row._max.at?.toISOString() ?? null;
          if (at && (!entry.lastCallAt || at > entry.lastCallAt)) entry.lastCallAt = at;
        }
      }
    }
    const used = new Set([...tools.values()].filter((t) => t.calls90 > 0 && t.requiredScope).map((t) => t.requiredScope!));
    const suggestedScopes = grant.scopes.filter((s) => used.has(s));
    const unusedScopes = grant.scopes.filter((s) => !used.has(s));
    const effective = userEffectiveScopes(snapshot, grant.userId);
    const user = snapshot.users.get(grant.userId);
    evidence.set(grant.id, {
      lastUsedAt: grant.lastUsedAt?.toISOString() ?? null,
      grantedAt: grant.createdAt.toISOString(),
      tools: [...tools.values()].sort((a, b) => b.calls90 - a.calls90 || a.tool.localeCompare(b.tool)),
      unusedScopes,
      suggestedScopes,
      suggestion: suggestedScopes.length === 0 ? "revoke" : unusedScopes.length > 0 ? "downscope" : "keep",
      clientHistory: history
        .filter((h) => h.clientId === grant.clientId)
        .slice(0, 10)
        .map((h) => ({ at: h.at.toISOString(), kind: h.kind, actor: h.actor, reason: h.reason })),
      roles: (user?.roleIds ?? []).map((id) => snapshot.roles.get(id)?.name ?? id).sort(),
      reasonPaths: grant.scopes.map((scope) => ({ scope, path: effective.has(scope) ? formatReason(effective.get(scope)!) : null })),
    });
  }
  return evidence;
}
