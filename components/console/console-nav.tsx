"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import type { NavItem } from "@/components/console/nav-items";

/**
 * The console's navigation: a column beside the page on wide screens; on narrow ones a "Menu" button opening a drawer
 * with every area (a scrolling strip hid half of them). The drawer closes on a choice, on Escape and on its backdrop.
 */
export function ConsoleNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <button
        type="button"
        className="absolute right-4 top-4 inline-flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 md:hidden"
        aria-expanded={open}
        aria-controls="console-nav"
        onClick={() => setOpen((v) => !v)}
      >
        <span aria-hidden>{open ? "✕" : "☰"}</span> Menu
      </button>
      {open ? <div className="fixed inset-0 z-30 bg-slate-900/30 md:hidden" aria-hidden onClick={() => setOpen(false)} /> : null}
      <nav
        id="console-nav"
        aria-label="Console"
        className={`${
          open ? "fixed inset-y-0 left-0 z-40 flex w-72 max-w-[85vw] flex-col overflow-y-auto bg-white p-3 shadow-xl" : "hidden"
        } gap-1 md:static md:z-auto md:flex md:w-auto md:flex-col md:bg-transparent md:p-0 md:shadow-none`}
      >
        {items.map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${
                active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100"
              }`}
            >
              {item.label}
            </Link>
          );
        })}
      </nav>
    </>
  );
}
