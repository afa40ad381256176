"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { pruneStaleClientsAction } from "@/lib/actions/clients/prune-stale-clients";

/** The second step of pruning: deletes what the preview counted (the criteria are applied again when it runs). */
export function ConfirmPruneForm({ olderThanDays, count }: { olderThanDays: number; count: number }) {
  return (
    <ActionForm
      action={pruneStaleClientsAction}
      aria-label="Confirm pruning"
      confirm={`Delete ${count} pending client(s) older than ${olderThanDays} days that were never used? This cannot be undone; the audit log keeps a record of each.`}
    >
      {(pending) => (
        <>
          <input type="hidden" name="olderThanDays" value={olderThanDays} />
          <Button type="submit" variant="danger" disabled={pending}>{pending ? "Deleting…" : `Delete ${count} stale client${count === 1 ? "" : "s"}`}</Button>
        </>
      )}
    </ActionForm>
  );
}
