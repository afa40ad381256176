import type { AuditCharts } from "@/lib/audit/audit-charts";
import { clientHref } from "@/lib/clients/client-path";
import { clientFilterSchema, listClientPage } from "@/lib/clients/list-client-page";
import { findDenialSpikes } from "@/lib/dashboard/find-denial-spikes";
import { db } from "@/lib/db/client";

export interface AttentionItem {
  kind: "risky_client" | "look_alike_client" | "denied_user" | "denied_client" | "denial_spike";
  /** What to look at, as a sentence. */
  text: string;
  href: string;
}

const DAY = 86_400_000;
const TOP = 3;

/** The last day's start, to the minute, as the audit filter's `from` reads it (UTC). */
function dayAgo(now: Date): string {
  return new Date(now.getTime() - DAY).toISOString().slice(0, 16);
}

/**
 * What an admin should look at first, each with a link to the view that shows it: pending clients with high or medium
 * risk or look-alikes, the users and clients denied most in the last day, and hours where denials spiked. Only what the
 * reader may see is gathered (`canClients` needs clients:read, `charts` only for audit:read).
 */
export async function loadNeedsAttention(
  { canClients, charts }: { canClients: boolean; charts: Promise<AuditCharts> | null },
  now = new Date(),
): Promise<AttentionItem[]> {
  const items: AttentionItem[] = [];
  if (canClients) {
    const pending = await listClientPage(clientFilterSchema.parse({ status: "pending", sort: "created", dir: "asc", size: 50 }), now);
    for (const c of pending.rows) {
      if (c.lookAlikes.length > 0) {
        items.push({ kind: "look_alike_client", text: `${c.name} awaits approval and looks like ${c.lookAlikes.length} other registration${c.lookAlikes.length === 1 ? "" : "s"} — ${c.risk.summary}`, href: clientHref(c.id) });
      } else if (c.risk.rating === "high" || c.risk.rating === "medium") {
        items.push({ kind: "risky_client", text: `${c.name} awaits approval — ${c.risk.summary}`, href: clientHref(c.id) });
      }
    }
  }
  if (charts) {
    const since = new Date(now.getTime() - DAY);
    const from = dayAgo(now);
    const audit = (params: Record<string, string>) => `/audit?${new URLSearchParams({ decision: "deny", ...params, from })}`;
    const [bySubject, byClient] = await Promise.all([
      db().auditEvent.groupBy({ by: ["subject"], where: { decision: "deny", at: { gte: since }, subject: { not: null } }, _count: { _all: true }, orderBy: { _count: { subject: "desc" } }, take: TOP }),
      db().auditEvent.groupBy({ by: ["clientId"], where: { decision: "deny", at: { gte: since }, clientId: { not: null } }, _count: { _all: true }, orderBy: { _count: { clientId: "desc" } }, take: TOP }),
    ]);
    const users = await db().user.findMany({ where: { id: { in: bySubject.flatMap((g) => (g.subject ? [g.subject] : [])) } }, select: { id: true, email: true } });
    const clients = await db().client.findMany({ where: { id: { in: byClient.flatMap((g) => (g.clientId ? [g.clientId] : [])) } }, select: { id: true, name: true } });
    for (const g of bySubject) {
      const email = users.find((u) => u.id === g.subject)?.email ?? g.subject!;
      items.push({ kind: "denied_user", text: `${email}: ${g._count._all} denied call${g._count._all === 1 ? "" : "s"} in the last day`, href: audit({ user: email }) });
    }
    for (const g of byClient) {
      const name = clients.find((c) => c.id === g.clientId)?.name ?? g.clientId!;
      items.push({ kind: "denied_client", text: `${name}: ${g._count._all} denied call${g._count._all === 1 ? "" : "s"} in the last day`, href: audit({ client: g.clientId! }) });
    }
    for (const spike of findDenialSpikes((await charts).decisions).slice(0, TOP)) {
      const start = new Date(spike.start);
      items.push({
        kind: "denial_spike",
        text: `Denials spiked at ${spike.start.slice(11, 16)} UTC: ${spike.deny} in the hour, against ${spike.typical} in a usual hour`,
        href: `/audit?${new URLSearchParams({ decision: "deny", from: spike.start.slice(0, 16), to: new Date(start.getTime() + 3_600_000).toISOString().slice(0, 16) })}`,
      });
    }
  }
  return items;
}
