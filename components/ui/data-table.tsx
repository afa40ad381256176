"use client";

import { createColumnHelper, tableFeatures, useTable, type ColumnDef, type RowData } from "@tanstack/react-table";

/**
 * The console's data table: TanStack Table (v9) for the column model, our markup for everything a reader sees.
 * Sorting, filtering and pagination happen on the server (the URL holds them), so the table registers no client-side
 * row-model features: it renders exactly the rows the server sent, in that order.
 */
export const dataTableFeatures = tableFeatures({});
export type DataTableFeatures = typeof dataTableFeatures;
export type DataTableColumn<T extends RowData> = ColumnDef<DataTableFeatures, T, any>;

export function dataTableColumns<T extends RowData>() {
  return createColumnHelper<DataTableFeatures, T>();
}

export function DataTable<T extends RowData>({
  columns,
  data,
  rowId,
  caption,
  empty,
  minWidth = 720,
  rowTestId,
  highlighted,
  pinLastColumn = false,
}: {
  columns: DataTableColumn<T>[];
  data: T[];
  rowId: (row: T) => string;
  caption: string;
  empty: React.ReactNode;
  minWidth?: number;
  rowTestId?: (row: T) => string;
  /** The id of a row to mark as selected (e.g. the one open in a drawer). */
  highlighted?: string;
  /** Keeps the last column (a row's actions) in view at the right edge while the rest scrolls sideways. */
  pinLastColumn?: boolean;
}) {
  const pinned = (index: number, count: number, cell: "th" | "td") =>
    pinLastColumn && index === count - 1
      ? ` sticky right-0 z-10 pl-3 shadow-[-10px_0_10px_-10px_rgba(15,23,42,0.25)] ${cell === "th" ? "bg-white" : "bg-inherit"}`
      : "";
  const table = useTable({ features: dataTableFeatures, columns, data, getRowId: (row) => rowId(row) });
  if (data.length === 0) return <div className="py-10 text-center text-sm text-slate-600">{empty}</div>;
  return (
    // `relative`: visually hidden (absolutely positioned) header labels stay inside the scroller, not past the page edge.
    <div className="relative overflow-x-auto">
      <table className="w-full text-left text-sm" style={{ minWidth }}>
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header, index) => (
                <th key={header.id} scope="col" className={`whitespace-nowrap px-2 py-2 font-medium first:pl-0${pinned(index, group.headers.length, "th")}`}>
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              data-testid={rowTestId?.(row.original)}
              aria-selected={highlighted === row.id ? true : undefined}
              className={`align-top ${highlighted === row.id ? "bg-brand-50" : pinLastColumn ? "bg-white hover:bg-slate-50" : "hover:bg-slate-50"}`}
            >
              {row.getAllCells().map((cell, index, cells) => (
                <td key={cell.id} className={`px-2 py-2 first:pl-0${pinned(index, cells.length, "td")}`} data-pinned={pinLastColumn && index === cells.length - 1 ? "true" : undefined}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
