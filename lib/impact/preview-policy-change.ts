import { recordAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError, describeIssues } from "@/lib/errors";
import { applyPolicyChange } from "@/lib/impact/apply-policy-change";
import { compareLiveGrants } from "@/lib/impact/compare-live-grants";
import { DEFAULT_IMPACT_WINDOW_DAYS, describePolicyChange, impactWindowSchema, policyChangeSchema, type PolicyChange } from "@/lib/impact/policy-change";
import { replayRecordedDecisions, type FlipDirection, type ReplayProgress } from "@/lib/impact/replay-recorded-decisions";
import type { BuiltinScope } from "@/lib/policy/catalog";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { recordPrivilegeRefusal } from "@/lib/privilege/privileged-change";
import { loadPrivilegeView } from "@/lib/privilege/privilege-view";

/** Flip groups listed per direction (the largest first); totals and group counts cover all of them. */
export const SHOWN_GROUPS = 200;

export interface FlipView {
  user: { id: string; email: string };
  client: { id: string; name: string };
  tool: string;
  count: number;
  /** The newest recorded call of the group. */
  example: { seq: string; at: string; requestId: string | null };
  currentReason: string;
  proposedReason: string;
}

export interface ImpactSummary {
  change: PolicyChange;
  description: string;
  /** False when saving would change nothing. */
  changed: boolean;
  windowDays: number;
  since: string;
  replayed: number;
  combinations: number;
  unchanged: { allowed: number; denied: number };
  undetermined: { argumentsNotRecorded: number; externalRoles: number };
  totals: { allowedToDenied: number; deniedToAllowed: number };
  /** How many (user, client, tool) groups flip each way; `flips` lists the largest SHOWN_GROUPS of them. */
  groups: { allowedToDenied: number; deniedToAllowed: number };
  flips: { allowedToDenied: FlipView[]; deniedToAllowed: FlipView[] };
  /** Live grants the change touches (the first SHOWN_GROUPS; `grantsAffected` counts them all). */
  grantsAffected: number;
  grants: Array<{ grantId: string; user: { id: string; email: string }; client: { id: string; name: string }; scopesLost: string[]; toolsLost: string[]; toolsGained: string[] }>;
  tookMs: number;
  /** The audit event recording that this preview was seen (`impact.previewed`). */
  previewSeq: string;
}

/** The scope a change's save requires: previewing it needs the same (and audit:read: it shows recorded calls). */
export function changeScope(change: PolicyChange): BuiltinScope {
  if (change.kind === "user_role_add" || change.kind === "user_role_remove") return "users:write";
  if (change.kind === "client_scopes" || change.kind === "client_status") return "clients:write";
  return "policy:write";
}

/**
 * The impact of a policy change before it is saved (DESIGN §12): the change applied in memory to the current policy
 * (refused exactly as its save would be), the tools/call decisions of the last `windowDays` replayed with `decide`
 * against both, and the live grants whose scopes or tools/list it changes. Saves nothing but its own audit event.
 */
export async function previewPolicyChange(
  input: { change: unknown; windowDays?: unknown },
  ctx: AuditContext,
  hooks: {
    onProgress?: (progress: ReplayProgress) => void;
    /** Called once the change is known to be acceptable (validated, authorized, applied), before the replay starts. */
    onReady?: () => void;
  } = {},
): Promise<ImpactSummary> {
  const parsed = policyChangeSchema.safeParse(input.change);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const window = impactWindowSchema.safeParse(input.windowDays ?? DEFAULT_IMPACT_WINDOW_DAYS);
  if (!window.success) throw new AppError("invalid_input", describeIssues(window.error.issues));
  const change = parsed.data;
  const started = performance.now();
  const database = db();

  const view = await loadPrivilegeView(database as never);
  const actor = await view.actor(ctx.actor);
  const needed = changeScope(change);
  if (actor.kind !== "operator") {
    const missing = [needed, "audit:read"].filter((s) => !actor.scopes.has(s));
    if (missing.length > 0) {
      // Recorded like the console's other scope refusals (requireScope): someone tried to see recorded calls.
      await recordAudit({ kind: "console.denied", actor: ctx.actor, ip: ctx.ip, requestId: ctx.requestId, scopes: missing, decision: "deny", reason: `${actor.email} lacks ${missing.join(" and ")} to preview ${describePolicyChange(change)}` });
      throw new AppError("forbidden", `You need the ${missing.join(" and ")} scope${missing.length > 1 ? "s" : ""} to preview this change.`, { scopes: missing });
    }
  }
  const current = await policySnapshot();
  let applied;
  try {
    applied = await applyPolicyChange(database, current, change, { view, actor });
  } catch (error) {
    // A refusal by a privilege rule is an attempt, recorded like the save's (console.denied).
    await recordPrivilegeRefusal(error, ctx);
    throw error;
  }
  hooks.onReady?.();
  const since = new Date(Date.now() - window.data * 86_400_000);
  const replay = applied.changed
    ? await replayRecordedDecisions(database, current, applied.proposed, { since, onProgress: hooks.onProgress })
    : { replayed: 0, combinations: 0, unchanged: { allowed: 0, denied: 0 }, flips: [], undetermined: { argumentsNotRecorded: 0, externalRoles: 0 } };
  const grants = applied.changed ? await compareLiveGrants(database, current, applied.proposed) : [];

  const shown = [...replay.flips.filter((f) => f.direction === "allowed_to_denied").slice(0, SHOWN_GROUPS), ...replay.flips.filter((f) => f.direction === "denied_to_allowed").slice(0, SHOWN_GROUPS)];
  const examples = new Map(
    (
      await database.auditEvent.findMany({
        where: { seq: { in: shown.map((f) => f.newestSeq) } },
        select: { seq: true, at: true, requestId: true },
      })
    ).map((e) => [e.seq, e]),
  );
  const user = (id: string) => ({ id, email: current.users.get(id)?.email ?? id });
  const client = (id: string) => ({ id, name: current.clients.get(id)?.name ?? id });
  const flipsOf = (direction: FlipDirection): FlipView[] =>
    replay.flips
      .filter((f) => f.direction === direction)
      .map((f) => ({
        user: user(f.userId),
        client: client(f.clientId),
        tool: f.tool,
        count: f.count,
        example: { seq: f.newestSeq.toString(), at: examples.get(f.newestSeq)?.at.toISOString() ?? "", requestId: examples.get(f.newestSeq)?.requestId ?? null },
        currentReason: f.currentReason,
        proposedReason: f.proposedReason,
      }));
  const allFlips = { allowedToDenied: flipsOf("allowed_to_denied"), deniedToAllowed: flipsOf("denied_to_allowed") };
  const totals = { allowedToDenied: sum(allFlips.allowedToDenied), deniedToAllowed: sum(allFlips.deniedToAllowed) };
  const groups = { allowedToDenied: allFlips.allowedToDenied.length, deniedToAllowed: allFlips.deniedToAllowed.length };
  // Totals count every flip; the groups shown are the largest (a page and a terminal have room for a few hundred).
  const allowedToDenied = allFlips.allowedToDenied.slice(0, SHOWN_GROUPS);
  const deniedToAllowed = allFlips.deniedToAllowed.slice(0, SHOWN_GROUPS);
  const description = describePolicyChange(change, { user: (id) => user(id).email, client: (id) => client(id).name });
  const tookMs = Math.round(performance.now() - started);

  const event = await recordAudit({
    kind: "impact.previewed",
    actor: ctx.actor,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: `previewed ${description}: ${totals.allowedToDenied} allowed → denied, ${totals.deniedToAllowed} denied → allowed over ${replay.replayed} calls of ${window.data} days; ${grants.length} live grants affected`,
    detail: { change, windowDays: window.data, changed: applied.changed, replayed: replay.replayed, totals, groups, grantsAffected: grants.length, tookMs },
  });

  return {
    change,
    description,
    changed: applied.changed,
    windowDays: window.data,
    since: since.toISOString(),
    replayed: replay.replayed,
    combinations: replay.combinations,
    unchanged: replay.unchanged,
    undetermined: replay.undetermined,
    totals,
    groups,
    flips: { allowedToDenied, deniedToAllowed },
    grants: grants.slice(0, SHOWN_GROUPS).map((g) => ({ grantId: g.grantId, user: user(g.userId), client: client(g.clientId), scopesLost: g.scopesLost, toolsLost: g.toolsLost, toolsGained: g.toolsGained })),
    grantsAffected: grants.length,
    tookMs,
    previewSeq: event.seq.toString(),
  };
}

function sum(flips: FlipView[]): number {
  return flips.reduce((total, f) => total + f.count, 0);
}
