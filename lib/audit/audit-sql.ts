/**
 * The SQL that writes the audit chain, built here once and named, so the transactional append (appendAudit), the
 * one-statement append after a known tail (appendAuditAfter) and the token writer (commitAccessToken) write the same
 * rows under the same lock. Parameters are placeholders the caller names (`$1`), never values.
 */

// Every writer, in every instance, appends under this transaction-scoped lock, so the chain has one order.
export const AUDIT_CHAIN_LOCK = 7_207_369_002;
export const AUDIT_COLUMNS = `"seq", "at", "kind", "actor", "subject", "clientId", "tool", "scopes", "decision", "reason", "requestId", "ip", "detail", "prevHash", "hash"`;

export const TAKE_CHAIN_LOCK = `SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;

/**
 * Inserts the records of one JSON array parameter (chainRecords, recordsJson), all of them or, when `where` is false,
 * none. One statement with one parameter: a batch of decisions costs about what one row does through createMany, which
 * is what lets group commit keep up with the MCP endpoint (bench/mcp-throughput.ts).
 */
export function insertAuditRecords(records: string, where?: string): string {
  return `INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
    SELECT ${AUDIT_COLUMNS} FROM jsonb_populate_recordset(NULL::"AuditEvent", ${records}::jsonb)${where ? `\n    WHERE ${where}` : ""}`;
}

/**
 * One row when a batch may attach after the tail (`seq`, `hash`): the chain lock is taken inside the statement, before
 * any row is inserted, so transactional writers (lock, then read the tail) never read a tail this statement is about to
 * extend; and the tail's row must still exist unchanged (`also`, a further condition, must hold too). A second writer
 * after the same tail is refused by the primary key on seq, which undoes the whole statement.
 */
export function attachAfterTail(tail: { seq: string; hash: string }, also?: string): string {
  return `SELECT 1 FROM (${TAKE_CHAIN_LOCK}) AS chain_lock
    WHERE ${also ? `${also}\n      AND ` : ""}EXISTS (SELECT 1 FROM "AuditEvent" WHERE "seq" = ${tail.seq}::bigint AND "hash" = ${tail.hash})`;
}
