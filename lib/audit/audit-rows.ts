import type { AuditEventView } from "@/lib/audit/list-audit-events";
import type { AuditRecord } from "@/lib/audit/types";
import { Prisma } from "@/lib/db/generated/client";

/** Every stored column of an audit event, as raw queries select it. */
export const AUDIT_COLUMNS = Prisma.sql`"seq", "at", "kind", "actor", "subject", "clientId", "tool", "scopes", "decision", "reason", "requestId", "ip", "detail", "prevHash", "hash"`;

/** A stored event as raw queries return it. */
export type AuditRow = AuditRecord;

/** An event as the console and exports show it: JSON-safe (seq as a string, time as ISO 8601), hashes included. */
export interface AuditEventRecordView extends AuditEventView {
  prevHash: string;
  hash: string;
}

export function viewAuditRow(row: AuditRow): AuditEventRecordView {
  return {
    seq: row.seq.toString(),
    at: new Date(row.at).toISOString(),
    kind: row.kind,
    actor: row.actor,
    subject: row.subject,
    clientId: row.clientId,
    tool: row.tool,
    scopes: row.scopes ?? [],
    decision: row.decision,
    reason: row.reason,
    requestId: row.requestId,
    ip: row.ip,
    detail: typeof row.detail === "string" ? JSON.parse(row.detail) : (row.detail ?? {}),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
