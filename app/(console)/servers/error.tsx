"use client";

import { ErrorState } from "@/components/ui/page-state";

export default function Error({ error, reset }: { error: Error & { digest?: string }; reset(): void }) {
  return <ErrorState area="Servers" error={error} reset={reset} />;
}
