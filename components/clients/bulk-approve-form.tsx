"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Input, RequiredMark } from "@/components/ui/field";
import { bulkApproveClientsAction } from "@/lib/actions/clients/bulk-approve-clients";

export const BULK_APPROVE_FORM = "bulk-approve";

export interface QueuedClient {
  id: string;
  name: string;
  rating: "high" | "medium" | "low" | null;
  summary: string;
  lookAlikes: string[];
}

/**
 * The question asked before a bulk approval. A generic "approve all?" hides what matters, so the selected clients that
 * look like other registrations, or rate medium or high risk, are named one per line with why.
 */
export function bulkApprovalQuestion(selected: QueuedClient[]): string {
  const count = `${selected.length} selected client${selected.length === 1 ? "" : "s"}`;
  const lines: string[] = [];
  const lookAlikes = selected.filter((c) => c.lookAlikes.length > 0);
  if (lookAlikes.length > 0) {
    lines.push("Look-alikes (compare them first):");
    for (const c of lookAlikes) lines.push(`• ${c.name} (${c.id}) looks like ${c.lookAlikes.join(", ")}`);
  }
  const risky = selected.filter((c) => c.rating === "high" || c.rating === "medium");
  if (risky.length > 0) {
    lines.push("Higher risk:");
    for (const c of risky) lines.push(`• ${c.name} (${c.id}): ${c.summary}`);
  }
  return lines.length === 0
    ? `Approve the ${count} with the scopes each is allowed now?`
    : `Approve the ${count} with the scopes each is allowed now?\n\n${lines.join("\n")}`;
}

/**
 * Approves the pending clients whose checkboxes (in the queue table, joined to this form by its id) are ticked, each
 * with the allow-list it already has. Clients needing a choice (a service identity) are reported, not approved.
 */
export function BulkApproveForm({ queue }: { queue: QueuedClient[] }) {
  const byId = new Map(queue.map((c) => [c.id, c]));
  return (
    <ActionForm
      id={BULK_APPROVE_FORM}
      action={bulkApproveClientsAction}
      aria-label="Approve selected clients"
      confirm={(form) => bulkApprovalQuestion(form.getAll("clientId").flatMap((id) => byId.get(String(id)) ?? []))}
      className="mb-4 flex flex-wrap items-end gap-2"
    >
      {(pending) => (
        <>
          <div className="min-w-64 flex-1 text-sm">
            <label htmlFor="bulk-approve-reason" className="mb-1 block font-medium text-slate-700">
              Reason for approving the selected clients<RequiredMark />
            </label>
            <Input id="bulk-approve-reason" name="reason" required maxLength={500} placeholder="e.g. reviewed: known vendors" />
          </div>
          <Button type="submit" disabled={pending}>{pending ? "Approving…" : "Approve selected"}</Button>
        </>
      )}
    </ActionForm>
  );
}
