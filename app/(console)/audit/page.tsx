import Link from "next/link";
import { Suspense } from "react";
import { AuditChartsLoading, AuditChartsPanel } from "@/components/audit/audit-charts-panel";
import { AuditEventDetail } from "@/components/audit/audit-event-detail";
import { AuditFilters, type AuditFilterValues } from "@/components/audit/audit-filters";
import { AuditTable, type AuditTableRow } from "@/components/audit/audit-table";
import { VerifyChainButton } from "@/components/audit/verify-chain-button";
import { Forbidden } from "@/components/console/forbidden";
import { buttonClasses } from "@/components/ui/button";
import { Drawer } from "@/components/ui/drawer";
import { Notice } from "@/components/ui/notice";
import { Card, PageHeader } from "@/components/ui/page-header";
import { auditFilterInput, auditFilterParams, auditFilterSchema, isFiltered } from "@/lib/audit/audit-filter";
import { AUDIT_PAGE_SIZES } from "@/lib/audit/list-audit-page";
import { loadAuditCharts } from "@/lib/audit/load-audit-charts";
import { loadAuditFilterOptions } from "@/lib/audit/load-audit-filter-options";
import { loadAuditLog } from "@/lib/audit/load-audit-log";
import { consoleUser } from "@/lib/auth/console-user";
import { describeIssues } from "@/lib/errors";

export const metadata = { title: "Audit log" };

type SearchParams = Record<string, string | string[] | undefined>;

const SEQ = /^\d{1,19}$/;
const MAX_SEQ = 9_223_372_036_854_775_807n; // PostgreSQL bigint

function one(params: SearchParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

function seqParam(params: SearchParams, key: string): bigint | undefined {
  const value = one(params, key);
  if (!value || !SEQ.test(value)) return undefined;
  const seq = BigInt(value);
  return seq <= MAX_SEQ ? seq : undefined;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const me = await consoleUser();
  if (!me.scopes.has("audit:read")) return <Forbidden message="You need the audit:read scope to read the audit log." />;
  const params = await searchParams;
  const input = auditFilterInput(params);
  const parsed = auditFilterSchema.safeParse(input);
  const options = await loadAuditFilterOptions();

  const header = (
    <PageHeader
      title="Audit log"
      description="Every decision, token and change, hash-chained so that any edit, deletion or reordering shows. Newest first; times in UTC."
    />
  );
  if (!parsed.success) {
    return (
      <>
        {header}
        <Card>
          <AuditFilters values={input} options={options} filtered />
          <div className="mt-4">
            <Notice tone="error">These filters cannot be used: {describeIssues(parsed.error.issues)}.</Notice>
          </div>
        </Card>
      </>
    );
  }

  const sizeParam = Number(one(params, "size"));
  const size = (AUDIT_PAGE_SIZES as readonly number[]).includes(sizeParam) ? sizeParam : 50;
  const before = seqParam(params, "before");
  const after = before === undefined ? seqParam(params, "after") : undefined;
  const openSeq = seqParam(params, "event");

  const { filter, page, opened, parties } = await loadAuditLog(parsed.data, { before, after, size }, openSeq);
  const charts = loadAuditCharts(filter);

  const base = auditFilterParams(parsed.data);
  if (size !== 50) base.set("size", String(size));
  const href = (extra: Record<string, string>) => {
    const p = new URLSearchParams(base);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    const query = p.toString();
    return query ? `/audit?${query}` : "/audit";
  };
  const sizeHref = (n: number) => {
    const p = auditFilterParams(parsed.data);
    if (n !== 50) p.set("size", String(n));
    return p.size ? `/audit?${p}` : "/audit";
  };
  const position: Record<string, string> = before !== undefined ? { before: String(before) } : after !== undefined ? { after: String(after) } : {};
  const exportQuery = auditFilterParams(parsed.data).toString();
  const filtered = isFiltered(parsed.data);
  const label = (actor: string | null) =>
    !actor ? null : actor.startsWith("user:") ? (parties.users[actor.slice(5)] ?? actor) : actor.startsWith("client:") ? (parties.clients[actor.slice(7)] ?? actor) : actor;

  const rows: AuditTableRow[] = page.events.map((e) => ({
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    decision: e.decision,
    actor: label(e.actor),
    subject: e.subject ? (parties.users[e.subject] ?? e.subject) : null,
    clientId: e.clientId,
    client: e.clientId ? (parties.clients[e.clientId] ?? e.clientId) : null,
    tool: e.tool,
    reason: e.reason,
    href: href({ ...position, event: e.seq }),
  }));
  const formValues: AuditFilterValues = {
    ...input,
    from: parsed.data.from?.toISOString().slice(0, 19),
    to: parsed.data.to?.toISOString().slice(0, 19),
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every decision, token and change, hash-chained so that any edit, deletion or reordering shows. Newest first; times in UTC."
        actions={
          <div className="flex flex-wrap items-start gap-2">
            <a className={buttonClasses("secondary")} href={`/audit/export?${new URLSearchParams({ format: "csv" })}${exportQuery ? `&${exportQuery}` : ""}`} download>
              Export CSV
            </a>
            <a className={buttonClasses("secondary")} href={`/audit/export?${new URLSearchParams({ format: "jsonl" })}${exportQuery ? `&${exportQuery}` : ""}`} download>
              Export JSON Lines
            </a>
            <VerifyChainButton />
          </div>
        }
      />
      <Card>
        <AuditFilters key={exportQuery} values={formValues} options={options} filtered={filtered} />
        <p className="mt-3 text-xs text-slate-500">
          Exports hold every event matching these filters, oldest first, with their hashes. In CSV, a cell starting with = + - or @ gets a
          leading &apos; so spreadsheets do not run it as a formula; JSON Lines is exact.
        </p>
      </Card>
      <div className="mt-6">
        <Suspense key={exportQuery} fallback={<AuditChartsLoading />}>
          <AuditChartsPanel charts={charts} filter={filter} part="decisions" />
        </Suspense>
      </div>
      <Card className="mt-6">
        <AuditTable rows={rows} open={opened?.seq} filtered={filtered || before !== undefined || after !== undefined} />
        <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
          <div className="flex items-center gap-2">
            {page.newer ? (
              <>
                <Link className={buttonClasses("secondary")} href={href({})}>⇤ Newest</Link>
                <Link className={buttonClasses("secondary")} href={href({ after: page.newer })} rel="prev">← Newer</Link>
              </>
            ) : (
              <span className="text-slate-500">Showing the newest events</span>
            )}
            {page.older ? <Link className={buttonClasses("secondary")} href={href({ before: page.older })} rel="next">Older →</Link> : null}
          </div>
          <div className="flex items-center gap-2 text-slate-600">
            <span>Per page:</span>
            {AUDIT_PAGE_SIZES.map((n) =>
              n === size ? (
                <span key={n} aria-current="true" className="rounded bg-slate-100 px-2 py-1 font-medium text-slate-900">{n}</span>
              ) : (
                <Link key={n} className="rounded px-2 py-1 text-brand-700 hover:bg-slate-100" href={sizeHref(n)}>
                  {n}
                </Link>
              ),
            )}
          </div>
        </nav>
      </Card>
      <div className="mt-6">
        <Suspense key={exportQuery} fallback={null}>
          <AuditChartsPanel charts={charts} filter={filter} part="lists" />
        </Suspense>
      </div>
      {openSeq !== undefined ? (
        <Drawer title={opened ? `Event #${opened.seq}` : "Event not found"} closeHref={href(position)}>
          {opened ? <AuditEventDetail event={opened} parties={parties} /> : <p className="text-sm text-slate-600">There is no event #{String(openSeq)}.</p>}
        </Drawer>
      ) : null}
    </>
  );
}
