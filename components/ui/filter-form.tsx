import Link from "next/link";
import { Button } from "@/components/ui/button";

/**
 * One field of a filter bar (a GET form whose URL is the state). The label is bound by id, so a select's accessible
 * name is its label alone, not its options too.
 */
export function FilterField({ label, id, children, wide }: { label: string; id: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={`text-sm ${wide ? "min-w-56 flex-[2]" : "min-w-36 flex-1"}`}>
      <label htmlFor={id} className="mb-1 block font-medium text-slate-700">{label}</label>
      {children}
    </div>
  );
}

/** The filter bar's submit button, and a link back to the unfiltered page once a filter is on. */
export function FilterActions({ label, clearHref, filtered, primary = false }: { label: string; clearHref: string; filtered: boolean; primary?: boolean }) {
  return (
    <div className="flex items-center gap-3">
      <Button type="submit" variant={primary ? undefined : "secondary"}>{label}</Button>
      {filtered ? <Link href={clearHref} className="text-sm text-brand-700 hover:underline">Clear</Link> : null}
    </div>
  );
}
