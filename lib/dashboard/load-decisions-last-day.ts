import { auditCharts, type AuditCharts } from "@/lib/audit/audit-charts";
import { db } from "@/lib/db/client";

/** Allowed and denied tool calls per hour over the last day, for the dashboard's sparkline. */
export function loadDecisionsLastDay(): Promise<AuditCharts> {
  return auditCharts(db(), {});
}
