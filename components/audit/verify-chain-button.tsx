"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { verifyAuditChainAction } from "@/lib/actions/audit/verify-audit-chain";

/** Re-checks every link of the hash chain on the server; the outcome (and the check itself) is recorded. */
export function VerifyChainButton() {
  return (
    <ActionForm action={verifyAuditChainAction} aria-label="Verify the audit chain" className="max-w-xl">
      {(pending) => (
        <Button type="submit" variant="secondary" disabled={pending} aria-describedby="verify-chain-hint">
          {pending ? "Verifying every event…" : "Verify chain"}
          <span id="verify-chain-hint" className="sr-only">Recomputes every event's hash; may take a while on a large log.</span>
        </Button>
      )}
    </ActionForm>
  );
}
