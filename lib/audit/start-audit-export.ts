import { resolveAuditFilter } from "@/lib/audit/audit-conditions";
import { auditFilterParams, type AuditFilter } from "@/lib/audit/audit-filter";
import type { AuditContext } from "@/lib/audit/context";
import { EXPORT_CONTENT_TYPES, exportAuditEvents } from "@/lib/audit/export-audit-events";
import type { AuditExportFormat } from "@/lib/audit/format-audit-export";
import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";

export interface AuditExport {
  stream: ReadableStream<Uint8Array>;
  filename: string;
  contentType: string;
}

/**
 * Starts an export of the filtered audit log. Reading the log in bulk is itself recorded (`audit.exported`, with the
 * filters) before a byte is sent — if that record cannot be written, there is no export.
 */
export async function startAuditExport(filter: AuditFilter, format: AuditExportFormat, ctx: AuditContext, now = new Date()): Promise<AuditExport> {
  const database = db();
  const resolved = await resolveAuditFilter(database, filter);
  const query = auditFilterParams(filter).toString();
  await recordAudit({
    kind: "audit.exported",
    actor: ctx.actor,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: `audit log exported as ${format === "csv" ? "CSV" : "JSON Lines"}${query ? ` (${query})` : " (everything)"}`,
    detail: { format, filter: Object.fromEntries(auditFilterParams(filter)) },
  });
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return {
    stream: exportAuditEvents(database, resolved, format),
    filename: `portcullis-audit-${stamp}.${format}`,
    contentType: EXPORT_CONTENT_TYPES[format],
  };
}
