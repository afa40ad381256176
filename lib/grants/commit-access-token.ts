import { appendAudit, type AuditEventInput, type AuditRecord } from "@/lib/audit";
import { AUDIT_CHAIN_LOCK, AUDIT_COLUMNS, chainRecords, recordsJson, type ChainTail } from "@/lib/audit/append-audit";
import { isUniqueViolation } from "@/lib/audit/append-audit-after";
import { appendInTurn } from "@/lib/audit/append-in-turn";
import { commitPool, db } from "@/lib/db/client";
import type { PreparedTokens } from "@/lib/grants/prepare-tokens";
import { accessTokenRow, issuedTokens, type IssuedTokens } from "@/lib/grants/record-tokens";
import { processState } from "@/lib/process-state";

/** The grant was revoked before the token could be recorded: the token was never valid; the caller may retry. */
export class GrantNoLongerLive extends Error {
  constructor(readonly grantId: string) {
    super(`grant ${grantId} is revoked`);
    this.name = "GrantNoLongerLive";
  }
}

interface Pending {
  prepared: PreparedTokens;
  audit: (issued: IssuedTokens) => AuditEventInput;
  resolve(issued: IssuedTokens): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 500;
const state = processState("access-token-writer", () => ({ queue: [] as Pending[], flushing: false, scheduled: false }));

// The whole batch in one statement, after the tail this process last wrote: the grants' liveness ("last used" too),
// the chain lock, the token rows and their audit events. Rows are written only if every grant is live and the tail is
// still there; the primary key on seq refuses the events if another writer attached after it (a unique violation,
// which undoes the statement). Either way nothing partial commits, and the batch goes through the transaction below.
const INSERT_AFTER_TAIL = `
  WITH live AS (
    UPDATE "Grant" SET "lastUsedAt" = now() WHERE "id" = ANY($2::text[]) AND "revokedAt" IS NULL RETURNING "id"
  ), attach AS (
    SELECT 1 FROM (SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})) AS chain_lock
    WHERE (SELECT count(*) FROM live) = cardinality($2::text[])
      AND EXISTS (SELECT 1 FROM "AuditEvent" WHERE "seq" = $3::bigint AND "hash" = $4)
  ), tokens AS (
    INSERT INTO "AccessToken" ("jti", "grantId", "scopes", "issuedAt", "expiresAt")
    SELECT j, g, string_to_array(s, ' '), (i::timestamptz AT TIME ZONE 'UTC'), (e::timestamptz AT TIME ZONE 'UTC')
    FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS t(j, g, s, i, e)
    WHERE EXISTS (SELECT 1 FROM attach)
    RETURNING 1
  ), events AS (
    INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
    SELECT ${AUDIT_COLUMNS} FROM jsonb_populate_recordset(NULL::"AuditEvent", $1::jsonb)
    WHERE EXISTS (SELECT 1 FROM attach)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM tokens)::int AS tokens, (SELECT count(*) FROM events)::int AS events`;

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
  const records = chainRecords(tail, batch.map((p, i) => p.audit(issued[i])));
  const grantIds = [...new Set(batch.map((p) => p.prepared.grantId))];
  try {
    const { rows } = await commitPool().query<{ tokens: number; events: number }>(INSERT_AFTER_TAIL, [
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
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Grant" SET "lastUsedAt" = now() WHERE "id" = ANY(${grantIds}::text[]) AND "revokedAt" IS NULL RETURNING "id"`;
    const live = new Set(rows.map((r) => r.id));
    const accepted = batch.filter((p) => live.has(p.prepared.grantId)).map((p) => p.prepared);
    // One statement for the whole batch: the row-per-token cost is what limits an embedded database.
    if (accepted.length > 0) {
      const [jtis, grants, scopes, issuedAt, expiresAt] = tokenColumns(accepted);
      await tx.$executeRaw`
        INSERT INTO "AccessToken" ("jti", "grantId", "scopes", "issuedAt", "expiresAt")
        SELECT j, g, string_to_array(s, ' '), (i::timestamptz AT TIME ZONE 'UTC'), (e::timestamptz AT TIME ZONE 'UTC')
        FROM unnest(${jtis}::text[], ${grants}::text[], ${scopes}::text[], ${issuedAt}::text[], ${expiresAt}::text[]) AS t(j, g, s, i, e)`;
    }
    const results = batch.map((p) => (live.has(p.prepared.grantId) ? issuedTokens(p.prepared) : new GrantNoLongerLive(p.prepared.grantId)));
    const records = await appendAudit(
      tx,
      batch.flatMap((pending, i) => {
        const result = results[i];
        return result instanceof GrantNoLongerLive ? [] : [pending.audit(result)];
      }),
    );
    return { value: results, records };
  });
}

/**
 * Starts a write unless one is running (it takes what arrives meanwhile) — after the current turn of the event loop,
 * so the requests read in this turn share the statement: a commit's fixed cost is most of a small batch's.
 */
function scheduleFlush(): void {
  if (state.flushing || state.scheduled) return;
  state.scheduled = true;
  setImmediate(() => {
    state.scheduled = false;
    void flush();
  });
}

async function flush(): Promise<void> {
  if (state.flushing) return;
  state.flushing = true;
  try {
    while (state.queue.length > 0) {
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
      }
    }
  } finally {
    state.flushing = false;
  }
}

/**
 * Records an access token under a live grant together with its audit event, and resolves once both are durable.
 * Group commit, as for the audit log: tokens requested while a transaction is in flight share the next one, so
 * issuance throughput grows with load while every caller still waits for its own commit — a token is never handed
 * out before its row and its audit event exist. Rejects with GrantNoLongerLive when the grant was revoked meanwhile.
 */
export function commitAccessToken(prepared: PreparedTokens, audit: (issued: IssuedTokens) => AuditEventInput): Promise<IssuedTokens> {
  if (prepared.refresh) throw new Error("commitAccessToken records access tokens only");
  return new Promise<IssuedTokens>((resolve, reject) => {
    state.queue.push({ prepared, audit, resolve, reject });
    scheduleFlush();
  });
}
