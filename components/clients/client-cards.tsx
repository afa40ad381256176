import Link from "next/link";
import { ClientStatusBadge, LookAlikeBadge, RiskBadge } from "@/components/clients/client-badges";
import type { ClientTableRow } from "@/components/clients/clients-table";
import { Time } from "@/components/ui/time";

/**
 * The review queue as cards, for narrow screens where its table would scroll sideways: each client's name, look-alikes,
 * risk, redirect hosts and registration in one block, with the same checkbox (joined to the bulk form) as the table.
 */
export function ClientCards({ rows, selectForm, testId }: { rows: ClientTableRow[]; selectForm?: string; testId?: string }) {
  return (
    <ul className="space-y-3" data-testid={testId}>
      {rows.map((row) => (
        <li key={row.id} className="rounded-lg border border-slate-200 p-3 text-sm" data-testid={`client-card-${row.id}`}>
          <div className="flex items-start gap-3">
            {selectForm && row.status === "pending" ? (
              <input type="checkbox" form={selectForm} name="clientId" value={row.id} aria-label={`Select ${row.name}`} className="mt-1 h-4 w-4" data-card-select />
            ) : null}
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-1.5">
                <Link href={row.href} className="font-medium text-brand-700 hover:underline">{row.name}</Link>
                <LookAlikeBadge names={row.lookAlikes.map((l) => l.name)} />
              </div>
              <div className="truncate font-mono text-xs text-slate-500" title={row.id}>{row.id}</div>
              <div className="mt-2 flex flex-wrap items-center gap-1.5">
                <ClientStatusBadge status={row.status} />
                <RiskBadge risk={row.risk} count={row.riskCount} title={row.riskNote ?? undefined} />
              </div>
              {row.riskNote && row.risk ? <p className="mt-1 text-xs text-slate-600">{row.riskNote}</p> : null}
              <dl className="mt-2 grid grid-cols-[6.5rem_1fr] gap-x-2 gap-y-1 text-xs">
                <dt className="text-slate-500">Redirects to</dt>
                <dd className="min-w-0 break-words font-mono" data-testid="redirect-hosts">{row.redirectHosts.join(", ") || "none"}</dd>
                <dt className="text-slate-500">Scopes</dt>
                <dd>{row.allowedScopes.length} allowed · {row.requestedScopes.length} requested</dd>
                <dt className="text-slate-500">Registered</dt>
                <dd>
                  <Time value={row.registeredAt} />
                  {row.registrationIp ? <span className="text-slate-500"> from {row.registrationIp}</span> : null}
                </dd>
              </dl>
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
