import Link from "next/link";

export interface BarListItem {
  key: string;
  label: string;
  sublabel?: string | null;
  count: number;
  href: string;
}

/** A ranked list with proportional bars: plain HTML, so it reads the same to screen readers and on any width. */
export function BarList({ items, tone, empty, label }: { items: BarListItem[]; tone: "red" | "brand"; empty: string; label: string }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  const max = Math.max(...items.map((i) => i.count));
  const bar = tone === "red" ? "bg-red-100" : "bg-brand-50";
  return (
    <ol className="space-y-1" aria-label={label}>
      {items.map((item) => (
        <li key={item.key}>
          <Link href={item.href} className="relative flex items-center justify-between gap-3 overflow-hidden rounded px-2 py-1 text-sm hover:ring-1 hover:ring-slate-300">
            <span aria-hidden className={`absolute inset-y-0 left-0 ${bar}`} style={{ width: `${(item.count / max) * 100}%` }} />
            <span className="relative min-w-0 truncate">
              <span className="font-mono text-slate-900">{item.label}</span>
              {item.sublabel ? <span className="ml-2 text-xs text-slate-500">{item.sublabel}</span> : null}
            </span>
            <span className="relative tabular-nums text-slate-700">{item.count.toLocaleString("en")}</span>
          </Link>
        </li>
      ))}
    </ol>
  );
}
