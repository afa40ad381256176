import type { Db } from "@/lib/db/client";
import { decide, type Decision } from "@/lib/policy/decide";
import type { PolicySnapshot } from "@/lib/policy/types";

/** Recorded calls read per round trip: a range of this many audit sequence numbers, grouped by the database. */
export const REPLAY_BATCH = 250_000;

export type FlipDirection = "allowed_to_denied" | "denied_to_allowed";

export interface FlipGroup {
  direction: FlipDirection;
  userId: string;
  clientId: string;
  tool: string;
  /** Recorded calls in the window that flip this way. */
  count: number;
  /** The newest of them: its audit sequence number, and the reason paths now and after the change. */
  newestSeq: bigint;
  currentReason: string;
  proposedReason: string;
}

export interface ReplayProgress {
  /** Recorded calls replayed so far, and how far through the window's sequence numbers the replay is (0–1). */
  replayed: number;
  fraction: number;
}

export interface Replay {
  /** tools/call decisions recorded in the window and replayed. */
  replayed: number;
  /** Distinct (user, client, tool, token scopes[, arguments]) combinations decided — each twice, now and after. */
  combinations: number;
  unchanged: { allowed: number; denied: number };
  flips: FlipGroup[];
  /**
   * Calls whose outcome cannot be known: a condition applies to the tool (now or after the change) and the call's
   * arguments were not recorded (too long), or the caller's roles came from an external issuer's token.
   */
  undetermined: { argumentsNotRecorded: number; externalRoles: number };
}

interface Row {
  subject: string;
  clientId: string;
  tool: string;
  scopes: string[];
  issuer: string | null;
  args: unknown;
  n: number;
  newest: bigint;
  at: Date;
}

interface Window {
  since: Date;
  onProgress?: (progress: ReplayProgress) => void;
  batch?: number;
}

// Only decisions `decide` made about a tools/call (not refusals of the token, the origin or the rate, nor other methods).
const REPLAYABLE = `kind IN ('decision.allow', 'decision.deny') AND subject IS NOT NULL AND tool IS NOT NULL
  AND detail @> '{"stage":"authorize","method":"tools/call"}'`;

/**
 * Replays the tools/call decisions recorded since `since` against the current and the proposed policy with the one
 * `decide` function, and reports the calls whose outcome flips. Calls are read in keyset batches of sequence numbers;
 * the database groups each batch by (user, client, tool, token scopes) — every input `decide` reads besides the
 * arguments — so each combination is decided once and weighed by its count. Calls to a tool with a condition (now or
 * after the change) depend on their arguments: those are grouped by arguments too, and when a condition reads `now`,
 * replayed one by one at the time they were made.
 */
export async function replayRecordedDecisions(database: Db, current: PolicySnapshot, proposed: PolicySnapshot, window: Window): Promise<Replay> {
  const batch = window.batch ?? REPLAY_BATCH;
  const conditional = conditionalTools(current, proposed);
  const timeDependent = conditional.filter((tool) => readsNow(current, tool) || readsNow(proposed, tool));

  const [bounds] = await database.$queryRawUnsafe<Array<{ low: bigint | null; high: bigint | null }>>(
    `SELECT (SELECT min(seq) FROM "AuditEvent" WHERE at >= $1) AS low, (SELECT max(seq) FROM "AuditEvent") AS high`,
    window.since,
  );
  const result: Replay = { replayed: 0, combinations: 0, unchanged: { allowed: 0, denied: 0 }, flips: [], undetermined: { argumentsNotRecorded: 0, externalRoles: 0 } };
  const flips = new Map<string, FlipGroup>();
  const memo = new Map<string, { now: Decision; next: Decision }>();
  if (bounds?.low == null || bounds.high == null) return result;
  const low = bounds.low - 1n;
  const span = Number(bounds.high - low);

  const tally = (row: { subject: string; clientId: string; tool: string; scopes: string[]; n: number; newest: bigint }, outcome: { now: Decision; next: Decision }) => {
    result.replayed += row.n;
    if (outcome.now.allow === outcome.next.allow) {
      if (outcome.now.allow) result.unchanged.allowed += row.n;
      else result.unchanged.denied += row.n;
      return;
    }
    const direction: FlipDirection = outcome.now.allow ? "allowed_to_denied" : "denied_to_allowed";
    const key = `${direction}\u0000${row.subject}\u0000${row.clientId}\u0000${row.tool}`;
    const group = flips.get(key);
    if (!group) {
      flips.set(key, { direction, userId: row.subject, clientId: row.clientId, tool: row.tool, count: row.n, newestSeq: row.newest, currentReason: outcome.now.reason, proposedReason: outcome.next.reason });
      return;
    }
    group.count += row.n;
    if (row.newest > group.newestSeq) Object.assign(group, { newestSeq: row.newest, currentReason: outcome.now.reason, proposedReason: outcome.next.reason });
  };

  const withoutArguments = (row: Row) => {
    const key = `${row.subject}\u0000${row.clientId}\u0000${row.tool}\u0000${row.scopes.join(" ")}`;
    let outcome = memo.get(key);
    if (!outcome) {
      const request = { userId: row.subject, clientId: row.clientId ?? "", tokenScopes: row.scopes, tool: row.tool };
      outcome = { now: decide(current, request), next: decide(proposed, request) };
      memo.set(key, outcome);
    }
    return outcome;
  };

  for (let from = low; from < bounds.high; from += BigInt(batch)) {
    const to = from + BigInt(batch);
    // One scan of the batch's range. Calls to a conditional tool are grouped by their arguments too, and calls to a tool
    // whose condition reads `now` are not grouped at all (each keeps its own time).
    const rows = await database.$queryRawUnsafe<Row[]>(
      `SELECT subject, "clientId", tool, scopes, detail->>'issuer' AS issuer,
              CASE WHEN tool = ANY($2::text[]) THEN detail->'args' END AS args,
              count(*)::int AS n, max(seq) AS newest, max(at) AS at
         FROM "AuditEvent"
        WHERE seq > ${from} AND seq <= ${to} AND at >= $1 AND ${REPLAYABLE}
        GROUP BY 1, 2, 3, 4, 5, 6, CASE WHEN tool = ANY($3::text[]) THEN seq END`,
      window.since,
      conditional,
      timeDependent,
    );
    for (const row of rows) {
      if (row.issuer === "authkit") {
        result.undetermined.externalRoles += row.n;
        continue;
      }
      const plain = withoutArguments(row);
      if (!conditional.includes(row.tool)) {
        tally(row, plain);
        continue;
      }
      // A condition only ever narrows: a call denied before conditions, now and after, stays denied whatever its arguments.
      if (!plain.now.allow && !plain.next.allow) {
        tally(row, plain);
        continue;
      }
      if (typeof row.args !== "object" || row.args === null || Array.isArray(row.args)) {
        result.undetermined.argumentsNotRecorded += row.n;
        continue;
      }
      const request = { userId: row.subject, clientId: row.clientId ?? "", tokenScopes: row.scopes, tool: row.tool, args: row.args as Record<string, unknown>, now: row.at };
      if (timeDependent.includes(row.tool)) {
        result.combinations += 1;
        tally(row, { now: decide(current, request), next: decide(proposed, request) });
        continue;
      }
      const key = `${row.subject}\u0000${row.clientId}\u0000${row.tool}\u0000${row.scopes.join(" ")}\u0000${JSON.stringify(row.args)}`;
      let outcome = memo.get(key);
      if (!outcome) {
        outcome = { now: decide(current, request), next: decide(proposed, request) };
        memo.set(key, outcome);
      }
      tally(row, outcome);
    }
    window.onProgress?.({ replayed: result.replayed, fraction: Math.min(1, Number(to - low) / span) });
  }
  result.combinations += memo.size;
  result.flips = [...flips.values()].sort((a, b) => b.count - a.count || (a.newestSeq > b.newestSeq ? -1 : 1));
  return result;
}

function conditionalTools(...snapshots: PolicySnapshot[]): string[] {
  const tools = new Set<string>();
  for (const snapshot of snapshots) for (const [tool, byRole] of snapshot.conditions ?? []) if (byRole.size > 0) tools.add(tool);
  return [...tools].sort();
}

/** A condition that mentions `now` can judge the same arguments differently at different times. */
function readsNow(snapshot: PolicySnapshot, tool: string): boolean {
  return [...(snapshot.conditions?.get(tool)?.values() ?? [])].some((c) => /\bnow\b/.test(c.expression));
}
