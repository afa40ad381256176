import { resolveAuditFilter, type ResolvedAuditFilter } from "@/lib/audit/audit-conditions";
import type { AuditFilter } from "@/lib/audit/audit-filter";
import { auditParties, type AuditParties } from "@/lib/audit/audit-parties";
import type { AuditEventRecordView } from "@/lib/audit/audit-rows";
import { getAuditEvent } from "@/lib/audit/get-audit-event";
import { listAuditPage, type AuditPage, type AuditPageRequest } from "@/lib/audit/list-audit-page";
import { db } from "@/lib/db/client";

export interface AuditLogView {
  /** The filter with its time range resolved to sequence numbers (what the charts and export reuse). */
  filter: ResolvedAuditFilter;
  page: AuditPage;
  /** The event opened in the drawer, when one was asked for and exists. */
  opened: AuditEventRecordView | null;
  /** Names for the users and clients the page's events (and the opened one) mention. */
  parties: AuditParties;
}

/** One page of the audit log under a filter, the event opened beside it, and the names of the parties involved. */
export async function loadAuditLog(filter: AuditFilter, request: AuditPageRequest, openSeq?: bigint): Promise<AuditLogView> {
  const database = db();
  const resolved = await resolveAuditFilter(database, filter);
  const [page, opened] = await Promise.all([
    listAuditPage(database, resolved, request),
    openSeq !== undefined ? getAuditEvent(database, openSeq) : Promise.resolve(null),
  ]);
  const parties = await auditParties(database, opened ? [...page.events, opened] : page.events);
  return { filter: resolved, page, opened, parties };
}
