import Link from "next/link";
import { ReasonPath, parseReason } from "@/components/console/reason-path";
import { kindTone } from "@/components/audit/kind-tone";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { AuditEventRecordView } from "@/lib/audit/audit-rows";
import type { AuditParties } from "@/lib/audit/audit-parties";

/** Everything stored about one event; the reason drawn as a path when it is one (decisions, denials). */
export function AuditEventDetail({ event, parties }: { event: AuditEventRecordView; parties: AuditParties }) {
  const isPath = event.reason?.includes(" → ") ?? false;
  const userId = event.subject ?? (event.actor?.startsWith("user:") ? event.actor.slice(5) : null);
  const filterLink = (key: string, value: string) => `/audit?${new URLSearchParams({ [key]: value })}`;
  const rows: Array<[string, React.ReactNode]> = [
    ["Time", <Time key="t" value={event.at} seconds />],
    ["Actor", event.actor ? <Party value={event.actor} parties={parties} /> : null],
    ["User", event.subject ? <>{parties.users[event.subject] ?? event.subject}</> : null],
    ["Client", event.clientId ? <span className="break-all">{parties.clients[event.clientId] ? `${parties.clients[event.clientId]} · ` : ""}<code className="text-xs">{event.clientId}</code></span> : null],
    ["Tool", event.tool ? <code>{event.tool}</code> : null],
    ["Scopes", event.scopes.length ? <span className="flex flex-wrap gap-1">{event.scopes.map((s) => <code key={s} className="rounded bg-slate-100 px-1 text-xs">{s}</code>)}</span> : null],
    ["Request id", event.requestId ? <code className="text-xs">{event.requestId}</code> : null],
    ["IP address", event.ip ? <code className="text-xs">{event.ip}</code> : null],
  ];
  return (
    <div className="space-y-5 text-sm" data-testid="audit-event-detail">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={kindTone(event.kind)}>{event.kind}</Badge>
        {event.decision ? <Badge tone={event.decision === "allow" ? "green" : "red"}>{event.decision}</Badge> : null}
        <span className="font-mono text-xs text-slate-500">#{event.seq}</span>
      </div>
      {event.reason ? (
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{isPath ? "Reason path" : "What happened"}</h3>
          {isPath ? <ReasonPath steps={parseReason(event.reason)} /> : <p className="text-slate-800">{event.reason}</p>}
        </section>
      ) : null}
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-2">
        {rows.filter(([, v]) => v !== null).map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd className="min-w-0 text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Detail</h3>
        <pre className="max-h-72 overflow-auto rounded-md bg-slate-50 p-3 text-xs text-slate-800">{JSON.stringify(event.detail, null, 2)}</pre>
      </section>
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Hash chain</h3>
        <dl className="space-y-1 text-xs">
          <dt className="text-slate-500">Previous hash</dt>
          <dd className="break-all font-mono">{event.prevHash}</dd>
          <dt className="text-slate-500">Hash = SHA-256(previous hash ‖ canonical event)</dt>
          <dd className="break-all font-mono">{event.hash}</dd>
        </dl>
      </section>
      <section className="flex flex-wrap gap-3 text-xs">
        {event.clientId ? <Link className="text-brand-700 hover:underline" href={filterLink("client", event.clientId)}>All events of this client</Link> : null}
        {userId ? <Link className="text-brand-700 hover:underline" href={filterLink("user", userId)}>All events of this user</Link> : null}
        {event.tool ? <Link className="text-brand-700 hover:underline" href={filterLink("tool", event.tool)}>All calls of this tool</Link> : null}
      </section>
    </div>
  );
}

function Party({ value, parties }: { value: string; parties: AuditParties }) {
  if (value.startsWith("user:")) return <>{parties.users[value.slice(5)] ?? value}</>;
  if (value.startsWith("client:")) return <>{parties.clients[value.slice(7)] ?? value}</>;
  return <>{value}</>;
}
