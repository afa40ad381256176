import Link from "next/link";
import { ClientStatusBadge, RiskBadge } from "@/components/clients/client-badges";
import { kindTone } from "@/components/audit/kind-tone";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { clientHref } from "@/lib/clients/client-path";
import type { ClientRiskAssessment, RiskFlag } from "@/lib/clients/assess-client-risk";
import type { ClientHistoryEntry, LookAlikeProfile } from "@/lib/clients/get-client-evidence";
import type { DuplicateGroup } from "@/lib/clients/near-duplicates";
import type { RedirectUriRisk } from "@/lib/clients/redirect-uri-risks";

const SEVERITY_TONE: Record<string, BadgeTone> = { high: "red", medium: "amber", low: "neutral" };
const DUPLICATE_LABEL: Record<string, string> = {
  same_software_id: "Same software id",
  same_name: "Same name",
  same_redirect_host: "Redirects to the same host",
  similar_name: "Similar name",
};

/** Each redirect URI with the flags about it, then the flags about the set as a whole. */
export function RedirectUriList({ uris, risks }: { uris: string[]; risks: RedirectUriRisk[] }) {
  const general = risks.filter((r) => !r.uri);
  return (
    <div className="space-y-3" data-testid="redirect-uris">
      {uris.length === 0 ? <p className="text-sm text-slate-500">None registered.</p> : null}
      <ul className="space-y-3">
        {uris.map((uri) => {
          const flags = risks.filter((r) => r.uri === uri);
          return (
            <li key={uri} className="text-sm">
              <code className="break-all rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-900">{uri}</code>
              {flags.length > 0 ? (
                <ul className="mt-1 space-y-1">
                  {flags.map((f, i) => (
                    <RiskFlagItem key={i} flag={f} />
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
      {general.length > 0 ? (
        <ul className="space-y-1 border-t border-slate-100 pt-3">
          {general.map((f, i) => (
            <RiskFlagItem key={i} flag={f} />
          ))}
        </ul>
      ) : null}
      {risks.length === 0 && uris.length > 0 ? <p className="text-xs text-emerald-700">No risk flags: https on named hosts of the client&apos;s own site.</p> : null}
    </div>
  );
}

function RiskFlagItem({ flag }: { flag: RedirectUriRisk | RiskFlag }) {
  return (
    <li className="flex items-start gap-2 text-xs text-slate-700" data-risk={flag.code}>
      <Badge tone={SEVERITY_TONE[flag.severity]}>{flag.severity}</Badge>
      <span>{flag.message}</span>
    </li>
  );
}

/** Requested and allowed scopes side by side: what it asked for, what it may get, and what nobody knows. */
export function ScopeComparison({ requested, allowed, unknown }: { requested: string[]; allowed: string[]; unknown: string[] }) {
  const all = [...new Set([...requested, ...allowed])].sort();
  if (all.length === 0) return <p className="text-sm text-slate-500">It asked for no scope and may receive none.</p>;
  const mark = (on: boolean, label: string) =>
    on ? <span role="img" aria-label={label} className="text-emerald-700">✓</span> : <span aria-hidden className="text-slate-300">—</span>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="scope-comparison">
        <caption className="sr-only">Requested versus allowed scopes</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Scope</th>
            <th scope="col" className="py-2 pr-4 text-center font-medium">Requested</th>
            <th scope="col" className="py-2 pr-4 text-center font-medium">Allowed</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {all.map((scope) => (
            <tr key={scope} data-scope={scope}>
              <td className="py-1.5 pr-4">
                <code className="text-xs">{scope}</code>
                {unknown.includes(scope) ? <span className="ml-2"><Badge tone="amber">unknown here</Badge></span> : null}
              </td>
              <td className="py-1.5 pr-4 text-center">{mark(requested.includes(scope), "requested")}</td>
              <td className="py-1.5 pr-4 text-center">{mark(allowed.includes(scope), "allowed")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DuplicateGroups({ groups }: { groups: DuplicateGroup[] }) {
  if (groups.length === 0) return <p className="text-sm text-slate-600">No other registration shares its name, software id or redirect host.</p>;
  return (
    <div className="space-y-4" data-testid="duplicate-groups">
      {groups.map((group) => (
        <section key={`${group.reason}-${group.value}`} aria-label={`${DUPLICATE_LABEL[group.reason]}: ${group.value}`}>
          <h3 className="text-sm font-medium text-slate-800">
            {DUPLICATE_LABEL[group.reason]} <code className="text-xs font-normal">{group.value}</code>{" "}
            <span className="text-xs font-normal text-slate-500">· {group.clients.length} other{group.clients.length === 1 ? "" : "s"}</span>
          </h3>
          <ul className="mt-1 space-y-1">
            {group.clients.slice(0, 10).map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-2 text-xs">
                <Link href={clientHref(c.id)} className="font-medium text-brand-700 hover:underline">{c.name}</Link>
                <ClientStatusBadge status={c.status} />
                <span className="text-slate-500"><Time value={c.createdAt} /></span>
                <span className="max-w-60 truncate font-mono text-slate-500" title={c.id}>{c.id}</span>
              </li>
            ))}
            {group.clients.length > 10 ? <li className="text-xs text-slate-500">and {group.clients.length - 10} more</li> : null}
          </ul>
        </section>
      ))}
    </div>
  );
}

export function StatusHistory({ entries, auditHref }: { entries: ClientHistoryEntry[]; auditHref?: string }) {
  return (
    <>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">No lifecycle event recorded.</p>
      ) : (
        <ol className="space-y-3" data-testid="status-history">
          {entries.map((e) => (
            <li key={e.seq} className="text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={kindTone(e.kind)}>{e.kind}</Badge>
                <span className="text-xs text-slate-500"><Time value={e.at} /></span>
                {e.actorLabel ? <span className="text-xs text-slate-600">by {e.actorLabel}</span> : null}
              </div>
              {e.reason ? <p className="mt-0.5 text-xs text-slate-700">{e.reason}</p> : null}
            </li>
          ))}
        </ol>
      )}
      {auditHref ? (
        <p className="mt-3 text-xs">
          <Link href={auditHref} className="text-brand-700 hover:underline">Every event of this client in the audit log →</Link>
        </p>
      ) : null}
    </>
  );
}

const RATING_BOX: Record<string, string> = {
  high: "border-red-200 bg-red-50 text-red-900",
  medium: "border-amber-200 bg-amber-50 text-amber-900",
  low: "border-slate-200 bg-slate-50 text-slate-800",
  none: "border-emerald-200 bg-emerald-50 text-emerald-900",
};

/** The one-line risk summary a reviewer reads first, with every flag behind it one click away. */
export function RiskSummary({ risk }: { risk: ClientRiskAssessment }) {
  return (
    <section aria-label="Risk summary" className={`rounded-lg border px-4 py-3 text-sm ${RATING_BOX[risk.rating ?? "none"]}`}>
      <p className="flex flex-wrap items-center gap-2">
        <RiskBadge risk={risk.rating} />
        <span data-testid="risk-summary" className="font-medium">{risk.summary}</span>
      </p>
      {risk.flags.length > 0 ? (
        <details className="mt-2">
          <summary className="cursor-pointer text-xs text-slate-700">Every flag ({risk.flags.length})</summary>
          <ul className="mt-2 space-y-1" data-testid="risk-flags">
            {risk.flags.map((f, i) => (
              <RiskFlagItem key={i} flag={f} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

/** Hosts a redirect set sends codes to: web hosts, and "loopback" for a local listener. */
function hostsOf(uris: string[]): string[] {
  const hosts = new Set<string>();
  for (const uri of uris) {
    if (!URL.canParse(uri)) {
      hosts.add(uri);
      continue;
    }
    const url = new URL(uri);
    const host = url.hostname.toLowerCase();
    hosts.add(["127.0.0.1", "[::1]", "localhost"].includes(host) ? "loopback" : url.protocol === "http:" || url.protocol === "https:" ? host : `${url.protocol}`);
  }
  return [...hosts].sort();
}

/**
 * This client and its look-alikes in columns, one row per thing that tells them apart: where codes go, what they ask
 * for, where and when they registered, who serves their metadata. A cell that differs from this client is marked.
 */
export function LookAlikeComparison({ profiles }: { profiles: LookAlikeProfile[] }) {
  if (profiles.length < 2) return null;
  const [self] = profiles;
  const rows: { label: string; value: (p: LookAlikeProfile) => string }[] = [
    { label: "Status", value: (p) => p.status },
    { label: "Redirect hosts", value: (p) => hostsOf(p.redirectUris).join(", ") || "none" },
    { label: "Requested scopes", value: (p) => [...p.requestedScopes].sort().join(" ") || "none" },
    { label: "Registered from", value: (p) => p.registrationIp ?? "unknown" },
    { label: "Registered at", value: (p) => p.createdAt.toISOString().replace("T", " ").slice(0, 19) + " UTC" },
    { label: "Metadata document host", value: (p) => p.metadataHost ?? (p.source === "cimd" ? "unknown" : "— (not a metadata document)") },
    { label: "Software id", value: (p) => p.softwareId ?? "—" },
  ];
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[560px] table-fixed text-left text-xs" data-testid="look-alike-comparison">
        <caption className="sr-only">This client and its look-alikes side by side</caption>
        <thead className="border-b border-slate-200 text-slate-500">
          <tr>
            <th scope="col" className="w-36 py-2 pr-3 font-medium" />
            {profiles.map((p, i) => (
              <th key={p.id} scope="col" className="py-2 pr-3 align-top font-medium" data-client={p.id}>
                {i === 0 ? (
                  <span className="text-slate-900">{p.name} <span className="font-normal text-slate-500">(this client)</span></span>
                ) : (
                  <Link href={clientHref(p.id)} className="text-brand-700 hover:underline">{p.name}</Link>
                )}
                <div className="truncate font-mono font-normal text-slate-500" title={p.id}>{p.id}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.label} data-row={row.label}>
              <th scope="row" className="py-1.5 pr-3 align-top font-medium text-slate-600">{row.label}</th>
              {profiles.map((p, i) => {
                const differs = i > 0 && row.value(p) !== row.value(self);
                return (
                  <td key={p.id} className={`break-words py-1.5 pr-3 align-top font-mono ${differs ? "bg-amber-50 text-amber-900" : "text-slate-800"}`} data-differs={differs ? "true" : undefined}>
                    {row.value(p)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-500">Marked cells differ from this client. Same name, different hosts or address: ask which one is real before approving either.</p>
    </div>
  );
}
