"use client";

import Link from "next/link";
import { useMemo } from "react";
import { ClientStatusBadge, LookAlikeBadge, RiskBadge, sourceLabel } from "@/components/clients/client-badges";
import { ClientCards } from "@/components/clients/client-cards";
import { DataTable, dataTableColumns, type DataTableColumn } from "@/components/ui/data-table";
import { Time } from "@/components/ui/time";

export interface ClientTableRow {
  id: string;
  href: string;
  name: string;
  status: string;
  source: string;
  registeredAt: string;
  registrationIp: string | null;
  lastUsedAt: string | null;
  risk: "high" | "medium" | "low" | null;
  riskCount: number;
  /** The one-line risk summary, as a tooltip. */
  riskNote: string | null;
  /** Other registrations that look like this one. */
  lookAlikes: { id: string; name: string }[];
  /** Where its authorization codes go: non-loopback hosts, and "loopback" for a local listener. */
  redirectHosts: string[];
  grantTypes: string[];
  requestedScopes: string[];
  allowedScopes: string[];
}

export type SortKey = "created" | "name" | "lastUsed" | "status";
export interface SortLink {
  href: string;
  /** The current direction when the table is sorted by this column. */
  active: "asc" | "desc" | null;
}

const column = dataTableColumns<ClientTableRow>();

function SortHeader({ label, link }: { label: string; link?: SortLink }) {
  if (!link) return <>{label}</>;
  const arrow = link.active === "asc" ? "↑" : link.active === "desc" ? "↓" : "";
  return (
    <Link
      href={link.href}
      scroll={false}
      className="inline-flex items-center gap-1 hover:text-slate-800"
      aria-label={`Sort by ${label.toLowerCase()}${link.active ? `, now ${link.active === "asc" ? "ascending" : "descending"}` : ""}`}
    >
      {label}
      <span aria-hidden className="w-3 text-slate-700">{arrow}</span>
    </Link>
  );
}

/** Select every pending client of this page for the bulk form (the checkboxes belong to that form by its id). */
function SelectAll({ formId, rows }: { formId: string; rows: ClientTableRow[] }) {
  return (
    <input
      type="checkbox"
      aria-label="Select every pending client on this page"
      className="h-4 w-4"
      onChange={(event) => {
        const form = document.getElementById(formId) as HTMLFormElement | null;
        if (!form) return;
        // Only the boxes on screen: the queue is drawn twice (table, and cards on narrow screens), one of them hidden.
        for (const box of form.ownerDocument.querySelectorAll<HTMLInputElement>(`input[form="${formId}"][name="clientId"]`)) {
          if (box.offsetParent !== null) box.checked = event.currentTarget.checked;
        }
      }}
      disabled={rows.every((r) => r.status !== "pending")}
    />
  );
}

/**
 * The clients table: server-side sort (column headers are links), filter and pagination. With `selectForm`, pending rows
 * get a checkbox that joins the bulk-approve form of that id.
 */
export function ClientsTable({
  rows,
  sort,
  selectForm,
  empty,
  caption,
  testId,
  cardsOnNarrow = false,
}: {
  rows: ClientTableRow[];
  sort?: Partial<Record<SortKey, SortLink>>;
  selectForm?: string;
  empty: React.ReactNode;
  caption: string;
  testId?: string;
  /** Below the md breakpoint, show cards instead of the table (the review queue). */
  cardsOnNarrow?: boolean;
}) {
  const columns = useMemo(() => {
    const list: DataTableColumn<ClientTableRow>[] = [];
    if (selectForm) {
      list.push(
        column.display({
          id: "select",
          header: () => <SelectAll formId={selectForm} rows={rows} />,
          cell: (info) =>
            info.row.original.status === "pending" ? (
              <input type="checkbox" form={selectForm} name="clientId" value={info.row.original.id} aria-label={`Select ${info.row.original.name}`} className="h-4 w-4" />
            ) : null,
        }),
      );
    }
    list.push(
      column.accessor("name", {
        header: () => <SortHeader label="Client" link={sort?.name} />,
        cell: (info) => (
          <div className="min-w-40 max-w-72">
            <div className="flex flex-wrap items-center gap-1.5">
              <Link href={info.row.original.href} className="font-medium text-brand-700 hover:underline">{info.getValue()}</Link>
              <LookAlikeBadge names={info.row.original.lookAlikes.map((l) => l.name)} />
            </div>
            <div className="truncate font-mono text-xs text-slate-500" title={info.row.original.id}>{info.row.original.id}</div>
          </div>
        ),
      }),
      column.accessor("status", { header: () => <SortHeader label="Status" link={sort?.status} />, cell: (info) => <ClientStatusBadge status={info.getValue()} /> }),
      column.accessor("source", { header: "Source", cell: (info) => <span className="whitespace-nowrap text-xs text-slate-700">{sourceLabel(info.getValue())}</span> }),
      column.accessor("risk", {
        header: "Risk",
        cell: (info) => <RiskBadge risk={info.getValue()} count={info.row.original.riskCount} title={info.row.original.riskNote ?? undefined} />,
      }),
      column.accessor("redirectHosts", {
        header: "Redirects to",
        cell: (info) => (
          <ul className="max-w-48 space-y-0.5 text-xs" data-testid="redirect-hosts">
            {info.getValue().length === 0 ? <li className="text-slate-400">none</li> : null}
            {(info.getValue() as string[]).map((host) => (
              <li key={host} className={`truncate font-mono ${host === "loopback" ? "text-slate-500" : "text-slate-800"}`} title={host}>{host}</li>
            ))}
          </ul>
        ),
      }),
      column.accessor("allowedScopes", {
        header: "Scopes",
        cell: (info) => (
          <span className="text-xs text-slate-600" title={`allowed: ${info.getValue().join(" ") || "none"}\nrequested: ${info.row.original.requestedScopes.join(" ") || "none"}`}>
            {info.getValue().length} allowed · {info.row.original.requestedScopes.length} requested
          </span>
        ),
      }),
      column.accessor("registeredAt", {
        header: () => <SortHeader label="Registered" link={sort?.created} />,
        cell: (info) => (
          <div className="text-xs">
            <Time value={info.getValue()} />
            <div className="text-slate-500">{info.row.original.registrationIp ? `from ${info.row.original.registrationIp}` : ""}</div>
          </div>
        ),
      }),
      column.accessor("lastUsedAt", { header: () => <SortHeader label="Last used" link={sort?.lastUsed} />, cell: (info) => <span className="text-xs"><Time value={info.getValue()} /></span> }),
    );
    return list;
  }, [rows, sort, selectForm]);
  if (cardsOnNarrow && rows.length > 0) {
    return (
      <div data-testid={testId}>
        <div className="md:hidden">
          <ClientCards rows={rows} selectForm={selectForm} testId={testId ? `${testId}-cards` : undefined} />
        </div>
        <div className="hidden md:block">
          <DataTable columns={columns} data={rows} rowId={(row) => row.id} caption={caption} empty={empty} minWidth={selectForm ? 1100 : 1060} rowTestId={(row) => `client-row-${row.id}`} />
        </div>
      </div>
    );
  }
  return (
    <div data-testid={testId}>
      <DataTable columns={columns} data={rows} rowId={(row) => row.id} caption={caption} empty={empty} minWidth={selectForm ? 1100 : 1060} rowTestId={(row) => `client-row-${row.id}`} />
    </div>
  );
}
