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
  column.accessor("kind", {
    header: "Event",
    cell: (info) => {
      const decision = info.row.original.decision;
      // A decision event's kind already says allow or deny; any other event with a decision shows it beside the kind.
      return (
        <span className="flex flex-col items-start gap-1">
          <Badge tone={kindTone(info.getValue())}>{info.getValue()}</Badge>
          {decision && !info.getValue().endsWith(`.${decision}`) ? <Badge tone={decision === "allow" ? "green" : "red"}>{decision}</Badge> : null}
        </span>
      );
    },
  }),
  column.accessor("actor", {
    header: "Who",
    cell: (info) => <Who actor={info.getValue()} subject={info.row.original.subject} />,
  }),
  column.accessor("client", { header: "Client", cell: (info) => <Cell value={info.getValue()} title={info.row.original.clientId} /> }),
  column.accessor("tool", { header: "Tool", cell: (info) => <Cell value={info.getValue()} mono /> }),
  column.accessor("reason", {
    header: "Reason",
    // The flexible column: the decisive end of a denial ("no role granting clients:write") must be readable in the row.
    cell: (info) => <Reason value={info.getValue()} />,
  }),
];

/** Who acted and for whom, once when they are the same person (a user's own call), otherwise both, labelled. */
function Who({ actor, subject }: { actor: string | null; subject: string | null }) {
  if (!actor && !subject) return <span className="text-slate-300">—</span>;
  if (!subject || actor === subject) return <Cell value={actor ?? subject} testId="audit-who" />;
  if (!actor) return <Cell value={`for ${subject}`} testId="audit-who" />;
  return (
    <span className="block max-w-48 text-xs" data-testid="audit-who">
      <span className="block truncate" title={actor}>{actor}</span>
      <span className="block truncate text-slate-500" title={subject}>for {subject}</span>
    </span>
  );
}

/** A reason in full; a denial's failed check (after "denied:") is set apart so it reads first. */
function Reason({ value }: { value: string | null }) {
  if (!value) return null;
  const cut = value.indexOf("denied: ");
  return (
    <span className="block min-w-[14rem] whitespace-normal break-words text-xs text-slate-600" data-testid="audit-reason">
      {cut >= 0 ? (
        <>
          {value.slice(0, cut)}
          <strong className="font-medium text-red-800">{value.slice(cut)}</strong>
        </>
      ) : (
        value
      )}
    </span>
  );
}

function Cell({ value, title, mono, testId }: { value: string | null; title?: string | null; mono?: boolean; testId?: string }) {
  if (!value) return <span className="text-slate-300">—</span>;
  return (
    <span className={`block max-w-40 truncate text-xs ${mono ? "font-mono" : ""}`} title={title ?? value} data-testid={testId}>
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
      minWidth={880}
      highlighted={open}
      rowTestId={(row) => `audit-row-${row.seq}`}
      empty={filtered ? "No event matches these filters." : "The audit log is empty."}
    />
  );
}
