import { appendAudit, type AuditEventInput, type AuditRecord } from "@/lib/audit";
import { chainRecords, recordsJson, type ChainTail } from "@/lib/audit/append-audit";
import { attachAfterTail, insertAuditRecords } from "@/lib/audit/audit-sql";
import { isUniqueViolation } from "@/lib/audit/append-audit-after";
import { appendInTurn } from "@/lib/audit/append-in-turn";
import { commitQuery, db } from "@/lib/db/client";
import { insertAccessTokens, markGrantsLive } from "@/lib/issuance/access-token-sql";
import type { PreparedTokens } from "@/lib/issuance/prepare-tokens";
import { accessTokenRow, issuedTokens, type IssuedTokens } from "@/lib/issuance/record-tokens";
import { processState } from "@/lib/process-state";

/** The grant was revoked before the token could be recorded: the token was never valid; the caller may retry. */
export class GrantNoLongerLive extends Error {
  constructor(readonly grantId: string) {
    super(`grant ${grantId} is revoked`);
    this.name = "GrantNoLongerLive";
  }
}

/** The audit event of an issued token, given the token and the grant it was recorded under. */
type TokenAuditEvent = (issued: IssuedTokens, grantId: string) => AuditEventInput;

interface Pending {
  prepared: PreparedTokens;
  audit: TokenAuditEvent;
  resolve(issued: IssuedTokens): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 500;
// How long a write that could start waits for tokens still being prepared (signed) to join it, at most.
const MAX_PREPARE_WAIT_MS = 2;
const state = processState("access-token-writer", () => ({
  queue: [] as Pending[],
  /** Tokens being prepared by commitAccessToken's callers: they reach the queue within a few milliseconds. */
  preparing: 0,
  writing: false,
  start: null as { kind: "turn"; handle: NodeJS.Immediate } | { kind: "wait"; handle: NodeJS.Timeout } | null,
}));

// The whole batch in one statement, after the tail this process last wrote: the grants' liveness ("last used" too),
// the chain lock, the token rows and their audit events. Rows are written only if every grant is live and the tail is
// still there; the primary key on seq refuses the events if another writer attached after it (a unique violation,
// which undoes the statement). Either way nothing partial commits, and the batch goes through the transaction below.
const INSERT_AFTER_TAIL = `
  WITH live AS (
    ${markGrantsLive("$2")}
  ), attach AS (
    ${attachAfterTail({ seq: "$3", hash: "$4" }, "(SELECT count(*) FROM live) = cardinality($2::text[])")}
  ), tokens AS (
    ${insertAccessTokens({ jtis: "$5", grantIds: "$6", scopes: "$7", issuedAt: "$8", expiresAt: "$9" }, "EXISTS (SELECT 1 FROM attach)")}
    RETURNING 1
  ), events AS (
    ${insertAuditRecords("$1", "EXISTS (SELECT 1 FROM attach)")}
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM tokens)::int AS tokens, (SELECT count(*) FROM events)::int AS events`;

// The transactional fallback: the same rows, one statement each.
const MARK_GRANTS_LIVE = markGrantsLive("$1");
const INSERT_ACCESS_TOKENS = insertAccessTokens({ jtis: "$1", grantIds: "$2", scopes: "$3", issuedAt: "$4", expiresAt: "$5" });

type Outcome = IssuedTokens | GrantNoLongerLive;

function tokenColumns(prepared: PreparedTokens[]): string[][] {
  const rows = prepared.map(accessTokenRow);
  return [
    rows.map((r) => r.jti),
    rows.map((r) => r.grantId),
    rows.map((r) => r.scopes.join(" ")),
    rows.map((r) => r.issuedAt.toISOString()),
    rows.map((r) => r.expiresAt.toISOString()),
  ];
}

/** The batch in one statement after `tail`; null, having written nothing, when it cannot attach there. */
async function commitAfterTail(tail: ChainTail, batch: Pending[]): Promise<{ value: Outcome[]; records: AuditRecord[] } | null> {
  const issued = batch.map((p) => issuedTokens(p.prepared));
  const records = chainRecords(tail, batch.map((p, i) => p.audit(issued[i], p.prepared.grantId)));
  const grantIds = [...new Set(batch.map((p) => p.prepared.grantId))];
  try {
    const { rows } = await commitQuery<{ tokens: number; events: number }>("commit_access_tokens", INSERT_AFTER_TAIL, [
      recordsJson(records),
      grantIds,
      tail.seq.toString(),
      tail.hash,
      ...tokenColumns(batch.map((p) => p.prepared)),
    ]);
    const [written] = rows;
    return written.tokens === batch.length && written.events === records.length ? { value: issued, records } : null;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/** The batch in a transaction that reads the true tail under the chain lock: the tokens of revoked grants are refused. */
function commitInTransaction(batch: Pending[]): Promise<{ value: Outcome[]; records: AuditRecord[] }> {
  return db().$transaction(async (tx) => {
    const grantIds = [...new Set(batch.map((p) => p.prepared.grantId))];
    // Liveness check and "last used" in one statement: a grant revoked before this commit gets no token.
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(MARK_GRANTS_LIVE, grantIds);
    const live = new Set(rows.map((r) => r.id));
    const accepted = batch.filter((p) => live.has(p.prepared.grantId)).map((p) => p.prepared);
    if (accepted.length > 0) await tx.$executeRawUnsafe(INSERT_ACCESS_TOKENS, ...tokenColumns(accepted));
    const results = batch.map((p) => (live.has(p.prepared.grantId) ? issuedTokens(p.prepared) : new GrantNoLongerLive(p.prepared.grantId)));
    const records = await appendAudit(
      tx,
      batch.flatMap((pending, i) => {
        const result = results[i];
        return result instanceof GrantNoLongerLive ? [] : [pending.audit(result, pending.prepared.grantId)];
      }),
    );
    return { value: results, records };
  });
}

/**
 * Starts the next write when it is worth starting: after the current turn of the event loop, so the requests read in
 * this turn share the statement — or, while tokens are still being prepared, when the last of them is queued, but no
 * later than MAX_PREPARE_WAIT_MS. Each commit has a fixed cost, so larger batches cost less per token: under load,
 * waiting for the tokens already being signed made batches larger (a mean of 12.7 → 15.5 tokens at 32 requests in
 * flight, bench/token-throughput.ts), and a lone request never waits.
 */
function scheduleWrite(): void {
  if (state.writing || state.queue.length === 0) return;
  const wait = state.preparing > 0 && state.queue.length < MAX_BATCH;
  // A scheduled start only ever moves earlier (a wait becomes this turn), so the bound holds under any load.
  if (state.start && (wait || state.start.kind === "turn")) return;
  cancelStart();
  state.start = wait ? { kind: "wait", handle: setTimeout(write, MAX_PREPARE_WAIT_MS) } : { kind: "turn", handle: setImmediate(write) };
}

function cancelStart(): void {
  if (state.start?.kind === "wait") clearTimeout(state.start.handle);
  else if (state.start?.kind === "turn") clearImmediate(state.start.handle);
  state.start = null;
}

async function write(): Promise<void> {
  cancelStart();
  if (state.writing || state.queue.length === 0) return;
  state.writing = true;
  const batch = state.queue.splice(0, MAX_BATCH);
  try {
    const outcomes = await appendInTurn(async (tail) => (tail ? await commitAfterTail(tail, batch) : null) ?? commitInTransaction(batch));
    batch.forEach((pending, i) => {
      const result = outcomes[i];
      if (result instanceof GrantNoLongerLive) pending.reject(result);
      else pending.resolve(result);
    });
  } catch (error) {
    batch.forEach((pending) => pending.reject(error));
  } finally {
    state.writing = false;
    scheduleWrite();
  }
}

/**
 * Prepares an access token (`prepare` mints it) and records it under its live grant together with its audit event;
 * resolves once both are durable. Group commit, as for the audit log: tokens requested while a write is in flight
 * share the next one, so issuance throughput grows with load while every caller still waits for its own commit — a
 * token is never handed out before its row and its audit event exist. Rejects with GrantNoLongerLive when the grant
 * was revoked meanwhile.
 */
export async function commitAccessToken(prepare: () => Promise<PreparedTokens>, audit: TokenAuditEvent): Promise<IssuedTokens> {
  state.preparing += 1;
  let prepared: PreparedTokens;
  try {
    prepared = await prepare();
  } finally {
    state.preparing -= 1;
    scheduleWrite();
  }
  if (prepared.refresh) throw new Error("commitAccessToken records access tokens only");
  return new Promise<IssuedTokens>((resolve, reject) => {
    state.queue.push({ prepared, audit, resolve, reject });
    scheduleWrite();
  });
}
