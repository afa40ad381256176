import Link from "next/link";
import type { AuditCharts } from "@/lib/audit/audit-charts";

const W = 240;
const H = 48;

function points(values: number[], max: number): string {
  const step = values.length > 1 ? W / (values.length - 1) : W;
  return values.map((v, i) => `${(i * step).toFixed(1)},${(H - 2 - (v / max) * (H - 4)).toFixed(1)}`).join(" ");
}

/**
 * Allowed and denied tool calls per hour over the last day: a glance, linking to the audit log's full chart. The
 * dashboard starts the query only for a reader of the audit log and hands over its promise (streamed under Suspense).
 */
export async function DecisionsSparkline({ charts: pending }: { charts: Promise<AuditCharts> }) {
  const charts = await pending;
  const allow = charts.decisions.map((d) => d.allow);
  const deny = charts.decisions.map((d) => d.deny);
  const max = Math.max(1, ...allow, ...deny);
  const total = (list: number[]) => list.reduce((n, v) => n + v, 0);
  return (
    <Link href="/audit" className="block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-slate-300" data-testid="decisions-sparkline">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div className="text-sm text-slate-600">Tool-call decisions, last 24 hours (per hour)</div>
        <div className="flex gap-3 text-xs">
          <span className="text-emerald-700">allowed {total(allow).toLocaleString("en")}</span>
          <span className="text-red-700">denied {total(deny).toLocaleString("en")}</span>
        </div>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="mt-2 h-12 w-full" role="img" aria-label={`Per hour over the last day: ${total(allow)} allowed, ${total(deny)} denied`}>
        <polyline points={points(allow, max)} fill="none" className="stroke-emerald-500" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
        <polyline points={points(deny, max)} fill="none" className="stroke-red-500" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
      </svg>
    </Link>
  );
}
