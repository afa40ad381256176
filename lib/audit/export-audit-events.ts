import type { ResolvedAuditFilter } from "@/lib/audit/audit-conditions";
import { csvHeader, csvRow, jsonLine, type AuditExportFormat } from "@/lib/audit/format-audit-export";
import { streamAuditEvents } from "@/lib/audit/stream-audit-events";
import type { Db } from "@/lib/db/client";
import { logger } from "@/lib/logger";

export const EXPORT_CONTENT_TYPES: Record<AuditExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

/**
 * The filtered audit log as a byte stream, one keyset batch per pull: the response starts at once and memory stays
 * flat however many events match. A failure mid-stream aborts the stream (the download fails visibly) rather than
 * ending it early, which would pass a truncated export off as complete.
 */
export function exportAuditEvents(database: Db, filter: ResolvedAuditFilter, format: AuditExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = streamAuditEvents(database, filter);
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started && format === "csv") controller.enqueue(encoder.encode(csvHeader()));
        started = true;
        const next = await batches.next();
        if (next.done) {
          controller.close();
          return;
        }
        const line = format === "csv" ? csvRow : jsonLine;
        controller.enqueue(encoder.encode(next.value.map(line).join("")));
      } catch (error) {
        logger.error("audit export failed", { error });
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
