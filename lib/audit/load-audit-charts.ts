import { auditCharts, type AuditCharts } from "@/lib/audit/audit-charts";
import type { ResolvedAuditFilter } from "@/lib/audit/audit-conditions";
import { db } from "@/lib/db/client";

/** The audit page's charts (decisions over time, most denied tools, most active clients) under its filter. */
export function loadAuditCharts(filter: ResolvedAuditFilter): Promise<AuditCharts> {
  return auditCharts(db(), filter);
}
