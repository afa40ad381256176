import { auditFilterOptions, type AuditFilterOptions } from "@/lib/audit/audit-filter-options";
import { db } from "@/lib/db/client";

/** The choices the audit log's filter form offers (kinds, clients, users, tools seen in the log). */
export function loadAuditFilterOptions(): Promise<AuditFilterOptions> {
  return auditFilterOptions(db());
}
