import Link from "next/link";
import { Suspense } from "react";
import { DecisionsChart } from "@/components/audit/decisions-chart";
import { NeedsAttention } from "@/components/dashboard/needs-attention";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { dashboardCounts } from "@/lib/dashboard/dashboard-counts";
import { loadDecisionsLastDay } from "@/lib/dashboard/load-decisions-last-day";
import { loadNeedsAttention } from "@/lib/dashboard/load-needs-attention";
import type { AuditCharts } from "@/lib/audit/audit-charts";
import type { BuiltinScope } from "@/lib/policy/catalog";

export const metadata = { title: "Dashboard" };

function Stat({ label, value, href, tone }: { label: string; value: number; href?: string; tone?: "amber" | "red" }) {
  const color = tone === "amber" && value > 0 ? "text-amber-700" : tone === "red" && value > 0 ? "text-red-700" : "text-slate-900";
  const body = (
    <>
      <div className="text-sm text-slate-600">{label}</div>
      <div className={`mt-1 text-3xl font-semibold tabular-nums ${color}`}>{value.toLocaleString("en")}</div>
    </>
  );
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      {href ? <Link href={href} className="block">{body}</Link> : body}
    </div>
  );
}

async function DashboardDecisions({ charts }: { charts: Promise<AuditCharts> }) {
  return <DecisionsChart charts={await charts} />;
}

export default async function DashboardPage() {
  const user = await consoleUser();
  const counts = await dashboardCounts();
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString().slice(0, 16);
  const lastDay = (params: Record<string, string>) => `/audit?${new URLSearchParams({ ...params, from: dayAgo })}`;
  // Each figure is shown only to someone allowed to read the area it counts.
  const figures: { scope: BuiltinScope; label: string; value: number; href: string; tone?: "amber" | "red" }[] = [
    { scope: "clients:read", label: "Clients awaiting approval", value: counts.clients.pending, href: "/clients#review-queue", tone: "amber" },
    { scope: "clients:read", label: "Active clients", value: counts.clients.active, href: "/clients?status=active#all-clients" },
    { scope: "clients:read", label: "Suspended clients", value: counts.clients.suspended, href: "/clients?status=suspended#all-clients" },
    { scope: "tokens:read", label: "Active grants", value: counts.activeGrants, href: "/tokens?status=active" },
    { scope: "users:read", label: "Users", value: counts.users.total, href: "/users" },
    { scope: "policy:read", label: "Roles", value: counts.roles, href: "/roles" },
    { scope: "audit:read", label: "Allowed calls (24 h)", value: counts.last24h.allow, href: lastDay({ decision: "allow" }) },
    { scope: "audit:read", label: "Denied calls (24 h)", value: counts.last24h.deny, href: lastDay({ decision: "deny" }), tone: "red" },
  ];
  const charts = user.scopes.has("audit:read") ? loadDecisionsLastDay() : null;
  const attention = loadNeedsAttention({ canClients: user.scopes.has("clients:read"), charts });
  const stats = figures.filter((stat) => user.scopes.has(stat.scope)).map(({ scope: _scope, ...stat }) => stat);
  return (
    <>
      <PageHeader title={`Welcome, ${user.name}`} description="Which MCP clients exist, who may use them, and what they did." />
      {stats.length > 0 ? (
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="dashboard-counts">
          {stats.map((stat) => (
            <Stat key={stat.label} {...stat} />
          ))}
        </div>
      ) : null}
      {charts || user.scopes.has("clients:read") ? (
        <Suspense fallback={<div className="mt-6 h-24 animate-pulse rounded-lg border border-slate-200 bg-white" />}>
          <NeedsAttention items={attention} />
        </Suspense>
      ) : null}
      {charts ? (
        <Card className="mt-6" title="Decisions, last 24 hours">
          <Suspense fallback={<div className="h-48 animate-pulse rounded bg-slate-50" />}>
            <DashboardDecisions charts={charts} />
          </Suspense>
          <p className="mt-2 text-xs">
            <Link href="/audit" className="text-brand-700 hover:underline">The audit log, with filters and the denied tools →</Link>
          </p>
        </Card>
      ) : null}
      <Card className="mt-6" title="Your access">
        <p className="text-sm text-slate-600">
          Roles: <span className="font-medium text-slate-900">{user.roles.join(", ") || "none"}</span>
        </p>
        <p className="mt-2 flex flex-wrap gap-1 text-sm text-slate-600">
          Scopes:{" "}
          {[...user.scopes].sort().map((s) => (
            <code key={s} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{s}</code>
          ))}
        </p>
      </Card>
    </>
  );
}
