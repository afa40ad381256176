"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

/**
 * A side panel over the page, for details that have their own URL (the URL opens it; closing goes to `closeHref`).
 * A modal <dialog>: focus moves in and stays in, Escape closes it, the page behind is inert. Rendered open on the
 * server, so it reads without JavaScript too.
 */
export function Drawer({ title, closeHref, children }: { title: string; closeHref: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (dialog.open) dialog.close();
    dialog.showModal();
    // close() above queues a close event of its own; by the time it fires the dialog is open again, so it is ignored.
    const onClose = () => {
      if (!dialog.open) router.push(closeHref, { scroll: false });
    };
    dialog.addEventListener("close", onClose);
    return () => dialog.removeEventListener("close", onClose);
  }, [closeHref, router]);
  return (
    <dialog
      ref={ref}
      open
      aria-labelledby="drawer-title"
      className="fixed inset-y-0 right-0 left-auto m-0 h-full max-h-none w-full max-w-xl overflow-y-auto border-l border-slate-200 bg-white p-0 shadow-xl backdrop:bg-slate-900/30"
    >
      <div className="sticky top-0 flex items-center justify-between gap-4 border-b border-slate-200 bg-white px-5 py-3">
        <h2 id="drawer-title" className="text-base font-semibold text-slate-900">{title}</h2>
        <a
          href={closeHref}
          role="button"
          className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100"
          onClick={(event) => {
            event.preventDefault();
            ref.current?.close();
          }}
        >
          <span aria-hidden>✕</span> Close
        </a>
      </div>
      <div className="px-5 py-4">{children}</div>
    </dialog>
  );
}
