"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { bulkApproveClientsAction } from "@/lib/actions/clients/bulk-approve-clients";

export const BULK_APPROVE_FORM = "bulk-approve";

/**
 * Approves the pending clients whose checkboxes (in the queue table, joined to this form by its id) are ticked, each
 * with the allow-list it already has. Clients needing a choice (a service identity) are reported, not approved.
 */
export function BulkApproveForm() {
  return (
    <ActionForm
      id={BULK_APPROVE_FORM}
      action={bulkApproveClientsAction}
      aria-label="Approve selected clients"
      confirm="Approve every selected client with the scopes it is allowed now?"
      className="mb-4 flex flex-wrap items-end gap-2"
    >
      {(pending) => (
        <>
          <div className="min-w-64 flex-1 text-sm">
            <label htmlFor="bulk-approve-reason" className="mb-1 block font-medium text-slate-700">Reason for approving the selected clients</label>
            <Input id="bulk-approve-reason" name="reason" required maxLength={500} placeholder="e.g. reviewed: known vendors" />
          </div>
          <Button type="submit" disabled={pending}>{pending ? "Approving…" : "Approve selected"}</Button>
        </>
      )}
    </ActionForm>
  );
}
