import { chainRecords, recordsJson } from "@/lib/audit/append-audit";
import { insertAuditRecords } from "@/lib/audit/audit-sql";
import type { AuditRecord } from "@/lib/audit/types";
import { db } from "@/lib/db/client";

const INSERT = insertAuditRecords("$1");

/**
 * Appends `count` real chain links dated at `at` (the writer always dates events now; a test of months and retention
 * needs them in the past): hashed exactly as the writer hashes, after the current head, in one statement.
 */
export async function appendDatedEvents(at: Date, count: number): Promise<AuditRecord[]> {
  const tail = await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true, at: true } });
  const realNow = Date.now;
  // chainRecords dates a batch "now" (never before the tail): the test's date stands in for now.
  Date.now = () => at.getTime();
  let records: AuditRecord[];
  try {
    records = chainRecords(tail, Array.from({ length: count }, (_, i) => ({ kind: "decision.allow" as const, actor: "user:u1", tool: `tool_${i % 3}`, decision: "allow" as const, scopes: ["a"], detail: { i } })));
  } finally {
    Date.now = realNow;
  }
  await db().$executeRawUnsafe(INSERT, recordsJson(records));
  return records;
}
