"use client";

import Link from "next/link";
import { useMemo } from "react";
import { RevokeGrantButton } from "@/components/tokens/revoke-controls";
import { Badge } from "@/components/ui/badge";
import { GrantStatusBadge } from "@/components/tokens/grant-status-badge";
import { DataTable, dataTableColumns, type DataTableColumn } from "@/components/ui/data-table";
import { Time } from "@/components/ui/time";

export interface GrantTableRow {
  id: string;
  /** Opens the grant in the drawer, filters kept. */
  href: string;
  clientId: string;
  clientName: string;
  clientHref: string | null;
  clientStatus: string;
  userEmail: string;
  userHref: string | null;
  scopes: string[];
  grantType: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  status: "active" | "revoked" | "expired";
  revokedAt: string | null;
  revokedReason: string | null;
  liveAccessTokens: number;
  liveRefreshTokens: number;
}

const column = dataTableColumns<GrantTableRow>();

/**
 * Grants with their live tokens; each row opens its tokens in a drawer (which also says until when it is usable) and,
 * for revokers, can be revoked — from an action column pinned to the right edge, so it is never scrolled off-screen.
 */
export function GrantsTable({ rows, canRevoke, open, empty }: { rows: GrantTableRow[]; canRevoke: boolean; open?: string; empty: React.ReactNode }) {
  const columns = useMemo(() => {
    const list: DataTableColumn<GrantTableRow>[] = [
      column.accessor("clientName", {
        header: "Client",
        cell: (info) => {
          const row = info.row.original;
          return (
            <div className="min-w-36 max-w-60">
              {row.clientHref ? <Link href={row.clientHref} className="font-medium text-brand-700 hover:underline">{row.clientName}</Link> : <span className="font-medium">{row.clientName}</span>}
              {row.clientStatus !== "active" ? <span className="ml-1"><Badge tone="amber">{row.clientStatus}</Badge></span> : null}
              <div className="truncate font-mono text-xs text-slate-500" title={row.clientId}>{row.clientId}</div>
            </div>
          );
        },
      }),
      column.accessor("userEmail", {
        header: "User",
        cell: (info) => {
          const row = info.row.original;
          return (
            <span className="block max-w-56 truncate text-xs" title={row.userEmail}>
              {row.userHref ? <Link href={row.userHref} className="text-brand-700 hover:underline">{row.userEmail}</Link> : row.userEmail}
            </span>
          );
        },
      }),
      column.accessor("scopes", {
        header: "Scopes",
        cell: (info) => (
          <div className="flex max-w-64 flex-wrap gap-1">
            {info.getValue().map((s: string) => <code key={s} className="rounded bg-slate-100 px-1 text-xs">{s}</code>)}
          </div>
        ),
      }),
      column.accessor("status", {
        header: "Status",
        cell: (info) => {
          const row = info.row.original;
          return (
            <div className="text-xs">
              <GrantStatusBadge status={row.status} />
              {row.revokedAt ? <div className="mt-1 max-w-48 text-slate-500" title={row.revokedReason ?? undefined}><Time value={row.revokedAt} /></div> : null}
            </div>
          );
        },
      }),
      column.accessor("liveAccessTokens", {
        header: "Live tokens",
        cell: (info) => (
          <Link href={info.row.original.href} scroll={false} className="whitespace-nowrap text-xs text-brand-700 hover:underline" aria-label={`Tokens of grant ${info.row.original.id}`}>
            {info.getValue()} access · {info.row.original.liveRefreshTokens} refresh
          </Link>
        ),
      }),
      column.accessor("createdAt", {
        header: "Granted · last used",
        cell: (info) => (
          <div className="text-xs">
            <Time value={info.getValue()} />
            <div className="text-slate-500">{info.row.original.grantType.replace(/_/g, " ")}</div>
            <div className="text-slate-500">last used <Time value={info.row.original.lastUsedAt} /></div>
          </div>
        ),
      }),
    ];
    if (canRevoke) {
      list.push(
        column.display({
          id: "revoke",
          header: () => <span>Actions</span>,
          cell: (info) =>
            info.row.original.status === "revoked" ? null : (
              <RevokeGrantButton grantId={info.row.original.id} clientName={info.row.original.clientName} userEmail={info.row.original.userEmail} />
            ),
        }),
      );
    }
    return list;
  }, [canRevoke]);
  return (
    <DataTable
      columns={columns}
      data={rows}
      rowId={(row) => row.id}
      caption="Grants, newest first"
      empty={empty}
      minWidth={900}
      pinLastColumn={canRevoke}
      highlighted={open}
      rowTestId={(row) => `grant-row-${row.id}`}
    />
  );
}
