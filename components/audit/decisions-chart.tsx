import type { AuditCharts } from "@/lib/audit/audit-charts";

const W = 720;
const H = 200;
const LEFT = 44;
const BOTTOM = 26;
const TOP = 8;

function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= value)! * magnitude;
}

function label(start: string, bucket: AuditCharts["window"]["bucket"]): string {
  return bucket === "hour" ? `${start.slice(11, 13)}:00` : bucket === "month" ? start.slice(0, 7) : start.slice(5, 10);
}

/** Allowed vs denied decisions per bucket, stacked bars, drawn on the server; the numbers are in a table below. */
export function DecisionsChart({ charts }: { charts: AuditCharts }) {
  const { decisions, window } = charts;
  const totalAllow = decisions.reduce((n, d) => n + d.allow, 0);
  const totalDeny = decisions.reduce((n, d) => n + d.deny, 0);
  const max = niceMax(Math.max(0, ...decisions.map((d) => d.allow + d.deny)));
  const plotW = W - LEFT - 4;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / Math.max(decisions.length, 1);
  const barW = Math.max(1, slot * 0.75);
  const y = (v: number) => TOP + plotH - (v / max) * plotH;
  const every = Math.max(1, Math.ceil(decisions.length / 8));
  return (
    <figure data-testid="decisions-chart">
      <figcaption className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-600">
        <span className="flex items-center gap-1.5"><span className="inline-block h-3 w-3 rounded-sm bg-emerald-500" /> allowed <strong className="tabular-nums text-slate-900">{totalAllow.toLocaleString("en")}</strong></span>
        <span className="flex items-center gap-1.5"><span className="inline-block h-3 w-3 rounded-sm bg-red-500" /> denied <strong className="tabular-nums text-slate-900">{totalDeny.toLocaleString("en")}</strong></span>
        <span className="text-xs text-slate-500">per {window.bucket}, UTC</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={`Decisions per ${window.bucket}: ${totalAllow} allowed, ${totalDeny} denied`}>
        {[0, max / 2, max].map((v) => (
          <g key={v}>
            <line x1={LEFT} x2={W - 4} y1={y(v)} y2={y(v)} className="stroke-slate-200" strokeWidth={1} />
            <text x={LEFT - 6} y={y(v)} textAnchor="end" dominantBaseline="central" className="fill-slate-500 text-[10px] tabular-nums">
              {v.toLocaleString("en")}
            </text>
          </g>
        ))}
        {decisions.map((d, i) => {
          const x = LEFT + i * slot + (slot - barW) / 2;
          return (
            <g key={d.start}>
              <title>{`${d.start.slice(0, 16).replace("T", " ")} UTC: ${d.allow} allowed, ${d.deny} denied`}</title>
              <rect x={x} y={y(d.allow)} width={barW} height={y(0) - y(d.allow)} className="fill-emerald-500" />
              <rect x={x} y={y(d.allow + d.deny)} width={barW} height={y(d.allow) - y(d.allow + d.deny)} className="fill-red-500" />
              {i % every === 0 ? (
                <text x={x + barW / 2} y={H - 8} textAnchor="middle" className="fill-slate-500 text-[10px]">{label(d.start, window.bucket)}</text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <details className="mt-1 text-xs text-slate-600">
        <summary className="cursor-pointer">The numbers</summary>
        <div className="max-h-48 overflow-auto">
          <table className="mt-1 w-full text-left tabular-nums">
            <thead>
              <tr><th scope="col" className="pr-4 font-medium">{window.bucket} starting (UTC)</th><th scope="col" className="pr-4 font-medium">allowed</th><th scope="col" className="font-medium">denied</th></tr>
            </thead>
            <tbody>
              {decisions.map((d) => (
                <tr key={d.start}><td className="pr-4">{d.start.slice(0, 16).replace("T", " ")}</td><td className="pr-4">{d.allow}</td><td>{d.deny}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
