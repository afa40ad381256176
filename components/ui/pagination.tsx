import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

/**
 * Page links for an offset-paged table whose state lives in the URL: previous/next, where we are, and the page sizes.
 * Plain links, so paging works without JavaScript and every page can be bookmarked.
 */
export function Pagination({
  page,
  pages,
  total,
  size,
  sizes,
  noun,
  href,
}: {
  page: number;
  pages: number;
  total: number;
  size: number;
  sizes: readonly number[];
  /** What is counted, plural ("clients"). */
  noun: string;
  href: (changes: { page?: number; size?: number }) => string;
}) {
  const first = total === 0 ? 0 : (page - 1) * size + 1;
  const last = Math.min(total, page * size);
  return (
    <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
      <div className="flex items-center gap-2">
        {page > 1 ? (
          <Link className={buttonClasses("secondary")} href={href({ page: page - 1 })} rel="prev">← Previous</Link>
        ) : null}
        <span className="text-slate-600" aria-live="polite">
          {total === 0 ? `No ${noun}` : `${first.toLocaleString("en")}–${last.toLocaleString("en")} of ${total.toLocaleString("en")} ${noun}`}
          {pages > 1 ? ` · page ${page} of ${pages}` : ""}
        </span>
        {page < pages ? (
          <Link className={buttonClasses("secondary")} href={href({ page: page + 1 })} rel="next">Next →</Link>
        ) : null}
      </div>
      <div className="flex items-center gap-2 text-slate-600">
        <span>Per page:</span>
        {sizes.map((n) =>
          n === size ? (
            <span key={n} aria-current="true" className="rounded bg-slate-100 px-2 py-1 font-medium text-slate-900">{n}</span>
          ) : (
            <Link key={n} className="rounded px-2 py-1 text-brand-700 hover:bg-slate-100" href={href({ size: n, page: 1 })}>{n}</Link>
          ),
        )}
      </div>
    </nav>
  );
}
