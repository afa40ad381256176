"use client";

import Link from "next/link";
import { kindTone } from "@/components/audit/kind-tone";
import { Badge } from "@/components/ui/badge";
import { DataTable, dataTableColumns } from "@/components/ui/data-table";
import { Time } from "@/components/ui/time";

export interface AuditTableRow {
  seq: string;
  at: string;
  kind: string;
  decision: string | null;
  actor: string | null;
  subject: string | null;
  clientId: string | null;
  client: string | null;
  tool: string | null;
  reason: string | null;
  /** Link that opens this event in the detail drawer, filters kept. */
  href: string;
}

const column = dataTableColumns<AuditTableRow>();

const columns = [
  column.accessor("seq", {
    header: "#",
    cell: (info) => (
      <Link
        href={info.row.original.href}
        scroll={false}
        className="font-mono text-xs text-brand-700 hover:underline"
        aria-label={`Event ${info.getValue()} details`}
      >
        {info.getValue()}
      </Link>
    ),
  }),
  column.accessor("at", { header: "Time (UTC)", cell: (info) => <span className="text-xs text-slate-700"><Time value={info.getValue()} seconds /></span> }),
  column.accessor("kind", { header: "Event", cell: (info) => <Badge tone={kindTone(info.getValue())}>{info.getValue()}</Badge> }),
  column.accessor("decision", {
    header: "Decision",
    cell: (info) => {
      const value = info.getValue();
      return value ? <Badge tone={value === "allow" ? "green" : "red"}>{value}</Badge> : <span className="text-slate-300">—</span>;
    },
  }),
  column.accessor("actor", { header: "Actor", cell: (info) => <Cell value={info.getValue()} /> }),
  column.accessor("subject", { header: "User", cell: (info) => <Cell value={info.getValue()} /> }),
  column.accessor("client", { header: "Client", cell: (info) => <Cell value={info.getValue()} title={info.row.original.clientId} /> }),
  column.accessor("tool", { header: "Tool", cell: (info) => <Cell value={info.getValue()} mono /> }),
  column.accessor("reason", {
    header: "Reason",
    cell: (info) => <span className="line-clamp-2 max-w-md text-xs text-slate-600" title={info.getValue() ?? undefined}>{info.getValue() ?? ""}</span>,
  }),
];

function Cell({ value, title, mono }: { value: string | null; title?: string | null; mono?: boolean }) {
  if (!value) return <span className="text-slate-300">—</span>;
  return (
    <span className={`block max-w-48 truncate text-xs ${mono ? "font-mono" : ""}`} title={title ?? value}>
      {value}
    </span>
  );
}

export function AuditTable({ rows, open, filtered }: { rows: AuditTableRow[]; open?: string; filtered: boolean }) {
  return (
    <DataTable
      columns={columns}
      data={rows}
      rowId={(row) => row.seq}
      caption="Audit events, newest first"
      minWidth={1040}
      highlighted={open}
      rowTestId={(row) => `audit-row-${row.seq}`}
      empty={filtered ? "No event matches these filters." : "The audit log is empty."}
    />
  );
}
