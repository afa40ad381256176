"use client";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/page-header";

/** What a console area shows while its server component loads (Next.js `loading.tsx`). */
export function LoadingState({ label }: { label: string }) {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-4">
      <span className="sr-only">Loading {label}…</span>
      <div className="h-7 w-48 rounded bg-slate-200" />
      <div className="h-4 w-96 max-w-full rounded bg-slate-200" />
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-5">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-4 rounded bg-slate-100" />
        ))}
      </div>
    </div>
  );
}

/**
 * What a console area shows when its page fails (Next.js `error.tsx`). Never the error's message or stack: those may
 * hold internals; the server logged them, and the digest lets an operator find the log line.
 */
export function ErrorState({ area, error, reset }: { area: string; error: Error & { digest?: string }; reset(): void }) {
  return (
    <Card>
      <div role="alert">
        <h1 className="text-lg font-semibold text-slate-900">{area} could not be shown</h1>
        <p className="mt-2 text-sm text-slate-600">Something went wrong on our side. The error has been logged.</p>
        {error.digest ? <p className="mt-1 text-xs text-slate-500">Reference: <code>{error.digest}</code></p> : null}
      </div>
      <Button className="mt-4" variant="secondary" onClick={reset}>Try again</Button>
    </Card>
  );
}
