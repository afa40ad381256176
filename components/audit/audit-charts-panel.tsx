import { BarList } from "@/components/audit/bar-list";
import { DecisionsChart } from "@/components/audit/decisions-chart";
import { Card } from "@/components/ui/page-header";
import type { AuditCharts } from "@/lib/audit/audit-charts";
import type { ResolvedAuditFilter } from "@/lib/audit/audit-conditions";
import { auditFilterParams } from "@/lib/audit/audit-filter";

/**
 * The audit page's charts, under the page's filters. The page, which has checked audit:read, starts the query and
 * hands over its promise, so the charts stream in beside the table (each part sits in its own Suspense boundary): the
 * decisions over time above it, the top lists below.
 */
export async function AuditChartsPanel({
  charts: pending,
  filter,
  part = "all",
}: {
  charts: Promise<AuditCharts>;
  filter: ResolvedAuditFilter;
  /** The decisions chart alone (above the table), the top lists alone (below it), or both. */
  part?: "all" | "decisions" | "lists";
}) {
  const charts = await pending;
  const linkWith = (extra: Record<string, string>) => {
    const params = auditFilterParams(filter);
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return `/audit?${params}`;
  };
  const range = `${charts.window.from.slice(0, 16).replace("T", " ")} – ${charts.window.to.slice(0, 16).replace("T", " ")} UTC`;
  const decisions = (
    <Card title="Decisions over time" className="lg:col-span-3">
      <p className="-mt-3 mb-3 text-xs text-slate-500">
        {range}
        {charts.window.defaulted ? " (the last 24 hours; set a time range to see another window)" : ""}
      </p>
      <DecisionsChart charts={charts} />
    </Card>
  );
  const lists = (
    <>
      <Card title="Most denied tools" className="lg:col-span-1">
        <BarList
          label="Most denied tools"
          tone="red"
          empty="No denied tool calls in this window."
          items={charts.topDeniedTools.map((t) => ({ key: t.tool, label: t.tool, count: t.count, href: linkWith({ tool: t.tool, decision: "deny" }) }))}
        />
      </Card>
      <Card title="Most active clients" className="lg:col-span-2">
        <BarList
          label="Most active clients"
          tone="brand"
          empty="No client activity in this window."
          items={charts.mostActiveClients.map((c) => ({ key: c.clientId, label: c.name ?? c.clientId, sublabel: c.name ? c.clientId : null, count: c.count, href: linkWith({ client: c.clientId }) }))}
        />
      </Card>
    </>
  );
  return (
    <section
      aria-label={part === "decisions" ? "Decisions over time" : "Charts"}
      className="grid gap-6 lg:grid-cols-3"
      data-testid={part === "decisions" ? "audit-decisions" : "audit-charts"}
    >
      {part !== "lists" ? decisions : null}
      {part !== "decisions" ? lists : null}
    </section>
  );
}

export function AuditChartsLoading() {
  return (
    <div role="status" className="grid animate-pulse gap-6 lg:grid-cols-3">
      <span className="sr-only">Loading charts…</span>
      <div className="h-64 rounded-lg border border-slate-200 bg-white lg:col-span-3" />
    </div>
  );
}
