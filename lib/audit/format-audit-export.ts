import type { AuditEventRecordView } from "@/lib/audit/audit-rows";

export type AuditExportFormat = "csv" | "jsonl";

export const CSV_COLUMNS = [
  "seq",
  "at",
  "kind",
  "actor",
  "subject",
  "client_id",
  "tool",
  "scopes",
  "decision",
  "reason",
  "request_id",
  "ip",
  "detail",
  "prev_hash",
  "hash",
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. A value a spreadsheet would
 * run as a formula — starting with = + - @, tab or CR — gets a leading apostrophe first (OWASP "CSV injection"):
 * audit fields carry attacker-chosen text such as client names and redirect URIs.
 */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\r\n`;
}

export function csvRow(event: AuditEventRecordView): string {
  const cells = [
    event.seq,
    event.at,
    event.kind,
    event.actor,
    event.subject,
    event.clientId,
    event.tool,
    event.scopes.join(" "),
    event.decision,
    event.reason,
    event.requestId,
    event.ip,
    JSON.stringify(event.detail ?? {}),
    event.prevHash,
    event.hash,
  ];
  return `${cells.map(csvField).join(",")}\r\n`;
}

/** One JSON Lines record: the event exactly as stored (no escaping beyond JSON's own), one per line. */
export function jsonLine(event: AuditEventRecordView): string {
  return `${JSON.stringify(event)}\n`;
}
