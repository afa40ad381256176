import Link from "next/link";
import { BulkApproveForm, BULK_APPROVE_FORM } from "@/components/clients/bulk-approve-form";
import { ClientFilters } from "@/components/clients/client-filters";
import { ClientsTable, type ClientTableRow, type SortKey, type SortLink } from "@/components/clients/clients-table";
import { ConfirmPruneForm } from "@/components/clients/prune-form";
import { Forbidden } from "@/components/console/forbidden";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Time } from "@/components/ui/time";
import { consoleUser } from "@/lib/auth/console-user";
import { clientHref } from "@/lib/clients/client-path";
import { CLIENT_PAGE_SIZES, clientFilterSchema, listClientPage, type ClientFilter, type ClientRow } from "@/lib/clients/list-client-page";
import { pruneStaleClients } from "@/lib/clients/prune-stale-clients";

export const metadata = { title: "Clients" };

type SearchParams = Record<string, string | string[] | undefined>;
const QUEUE_SIZE = 50;

function one(params: SearchParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

function tableRow(c: ClientRow): ClientTableRow {
  return {
    id: c.id,
    href: clientHref(c.id),
    name: c.name,
    status: c.status,
    source: c.source,
    registeredAt: c.createdAt.toISOString(),
    registrationIp: c.registrationIp,
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    risk: c.risk.rating,
    riskCount: c.risk.flags.length,
    riskNote: c.risk.summary,
    lookAlikes: c.lookAlikes,
    redirectHosts: c.redirectHosts,
    grantTypes: c.grantTypes,
    requestedScopes: c.requestedScopes,
    allowedScopes: c.allowedScopes,
  };
}

/** The query string of a filter, defaults left out, with changes applied. */
function clientsHref(filter: ClientFilter, changes: Partial<ClientFilter> = {}): string {
  const next = { ...filter, ...changes };
  const params = new URLSearchParams();
  for (const key of ["q", "status", "source", "used"] as const) if (next[key]) params.set(key, next[key]!);
  if (next.sort !== "created") params.set("sort", next.sort);
  if (next.dir) params.set("dir", next.dir);
  if (next.size !== 25) params.set("size", String(next.size));
  if (next.page > 1) params.set("page", String(next.page));
  const query = params.toString();
  return query ? `/clients?${query}#all-clients` : "/clients#all-clients";
}

export default async function ClientsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const me = await consoleUser();
  if (!me.scopes.has("clients:read")) return <Forbidden message="You need the clients:read scope to see clients." />;
  const params = await searchParams;
  const filter = clientFilterSchema.parse(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const canWrite = me.scopes.has("clients:write");
  const pruneDays = Number(one(params, "prune"));
  const previewPrune = Number.isInteger(pruneDays) && pruneDays >= 1 && pruneDays <= 3650;

  const [queue, page, prune] = await Promise.all([
    // The review queue: oldest first, so nobody waits longest by accident.
    listClientPage(clientFilterSchema.parse({ status: "pending", sort: "created", dir: "asc", size: QUEUE_SIZE })),
    listClientPage(filter),
    previewPrune ? pruneStaleClients({ olderThanDays: pruneDays, dryRun: true }, me.context) : Promise.resolve(null),
  ]);
  const filtered = Boolean(filter.q || filter.status || filter.source || filter.used);
  const sortLink = (key: SortKey): SortLink => {
    const active = filter.sort === key ? (filter.dir ?? (key === "name" || key === "status" ? "asc" : "desc")) : null;
    return { href: clientsHref(filter, { sort: key, dir: active === "asc" ? "desc" : active === "desc" ? "asc" : undefined, page: 1 }), active };
  };
  const sort = { name: sortLink("name"), status: sortLink("status"), created: sortLink("created"), lastUsed: sortLink("lastUsed") };
  const deleted = one(params, "deleted");
  const pruned = one(params, "pruned");

  return (
    <>
      <PageHeader
        title="Clients"
        description="Every MCP client that registered, fetched a metadata document or appeared in an AuthKit token. New clients wait for approval; the evidence is on each client's page."
      />
      {deleted ? <div className="mb-4"><Notice tone="success">Deleted client {deleted}. Its grants and tokens are gone.</Notice></div> : null}
      {pruned ? <div className="mb-4"><Notice tone="success">Pruned {pruned} stale pending client(s).</Notice></div> : null}

      <section id="review-queue" aria-labelledby="review-queue-title" className="scroll-mt-4 rounded-lg border border-amber-200 bg-white p-5 shadow-sm">
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
          <h2 id="review-queue-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
            Review queue
            <Badge tone={queue.total > 0 ? "amber" : "green"}>
              <span data-testid="pending-count">{queue.total}</span>&nbsp;awaiting approval
            </Badge>
          </h2>
          {queue.total > QUEUE_SIZE ? (
            <Link href={clientsHref(clientFilterSchema.parse({ status: "pending", sort: "created", dir: "asc" }))} className="text-sm text-brand-700 hover:underline">
              All {queue.total} pending clients →
            </Link>
          ) : null}
        </div>
        {queue.total === 0 ? (
          <p className="text-sm text-slate-600">Nothing to review. New registrations wait here until someone approves or rejects them.</p>
        ) : (
          <>
            <p className="mb-3 text-sm text-slate-600">
              Oldest first. Open a client to weigh its evidence and choose its scopes; or tick several and approve them with the scopes they are allowed
              now.
            </p>
            {canWrite ? (
              <BulkApproveForm
                queue={queue.rows.map((c) => ({ id: c.id, name: c.name, rating: c.risk.rating, summary: c.risk.summary, lookAlikes: c.lookAlikes.map((l) => l.name) }))}
              />
            ) : null}
            <ClientsTable
              rows={queue.rows.map(tableRow)}
              selectForm={canWrite ? BULK_APPROVE_FORM : undefined}
              caption="Clients awaiting approval, oldest first"
              empty="Nothing to review."
              testId="review-queue"
              cardsOnNarrow
            />
          </>
        )}
      </section>

      <Card className="mt-6">
        <h2 id="all-clients" className="mb-4 scroll-mt-4 text-base font-semibold text-slate-900">All clients</h2>
        <ClientFilters filter={filter} filtered={filtered} />
        <ClientsTable
          rows={page.rows.map(tableRow)}
          sort={sort}
          caption="Clients"
          empty={filtered ? "No client matches these filters." : "No client has registered yet. Point an MCP client at this server's /mcp URL (see Connect) and it appears here."}
          testId="clients-table"
        />
        <Pagination page={page.page} pages={page.pages} total={page.total} size={page.size} sizes={CLIENT_PAGE_SIZES} noun="clients" href={(changes) => clientsHref(filter, changes)} />
      </Card>

      <Card title="Prune stale pending clients" className="mt-6">
        <p className="mb-3 text-sm text-slate-600">
          Clients that register on every start, or a registration flood, leave pending clients nobody will approve — and count against the pending cap.
          Preview which pending clients older than a number of days were never used; then delete them.
        </p>
        <form method="get" action="/clients#prune" aria-label="Preview pruning" className="flex flex-wrap items-end gap-2" id="prune">
          <div className="text-sm">
            <label htmlFor="prune-days" className="mb-1 block font-medium text-slate-700">Pending for more than (days)</label>
            <Input id="prune-days" name="prune" type="number" min={1} max={3650} defaultValue={previewPrune ? pruneDays : 30} required className="w-32" />
          </div>
          <Button type="submit" variant="secondary">Preview</Button>
        </form>
        {prune ? (
          <div className="mt-4 space-y-3" data-testid="prune-preview">
            <p className="text-sm text-slate-800">
              <strong>{prune.count}</strong> pending client{prune.count === 1 ? "" : "s"} registered more than {prune.olderThanDays} day{prune.olderThanDays === 1 ? "" : "s"} ago and
              never used{prune.remaining ? ` (the first ${prune.count - prune.remaining} are deleted per run)` : ""}.
            </p>
            {prune.sample.length > 0 ? (
              <ul className="max-h-48 space-y-1 overflow-auto text-xs text-slate-600">
                {prune.sample.map((s) => (
                  <li key={s.id}>
                    <Link href={clientHref(s.id)} className="text-brand-700 hover:underline">{s.name}</Link> · <Time value={s.createdAt} />
                    {s.registrationIp ? ` · from ${s.registrationIp}` : ""}
                  </li>
                ))}
              </ul>
            ) : null}
            {canWrite && prune.count > 0 ? <ConfirmPruneForm olderThanDays={prune.olderThanDays} count={prune.count - prune.remaining} /> : null}
            {!canWrite ? <p className="text-sm text-slate-500">You can read clients but not change them.</p> : null}
          </div>
        ) : null}
      </Card>
      {!canWrite ? <p className="mt-6 text-sm text-slate-500">You can read clients but not change them.</p> : null}
    </>
  );
}
