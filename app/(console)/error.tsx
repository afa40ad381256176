"use client";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/page-header";

// Shown when a console page fails unexpectedly. Never the error's message or stack: the server logged those.
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Card>
      <h1 className="text-lg font-semibold text-slate-900">This page could not be shown</h1>
      <p className="mt-2 text-sm text-slate-600">
        Something went wrong on our side, or the database is briefly unavailable. Try again in a moment.
      </p>
      {error.digest ? <p className="mt-2 text-xs text-slate-500">Reference: {error.digest}</p> : null}
      <Button className="mt-4" variant="secondary" onClick={reset}>Try again</Button>
    </Card>
  );
}
