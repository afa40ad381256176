import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { dashboardCounts } from "@/lib/dashboard/dashboard-counts";

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

export default async function DashboardPage() {
  const user = await consoleUser();
  const counts = await dashboardCounts();
  return (
    <>
      <PageHeader title={`Welcome, ${user.name}`} description="Which MCP clients exist, who may use them, and what they did." />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="dashboard-counts">
        <Stat label="Clients awaiting approval" value={counts.clients.pending} href="/clients" tone="amber" />
        <Stat label="Active clients" value={counts.clients.active} href="/clients" />
        <Stat label="Suspended clients" value={counts.clients.suspended} href="/clients" />
        <Stat label="Active grants" value={counts.activeGrants} href="/tokens" />
        <Stat label="Users" value={counts.users.total} href="/users" />
        <Stat label="Roles" value={counts.roles} href="/roles" />
        <Stat label="Allowed calls (24 h)" value={counts.last24h.allow} href="/audit" />
        <Stat label="Denied calls (24 h)" value={counts.last24h.deny} href="/audit" tone="red" />
      </div>
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
