"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { decideApprovalAction } from "@/lib/actions/approvals/decide-approval";

/** Approve or deny one held call, with an optional note for the audit log. */
export function ApprovalDecision({ id, tool }: { id: string; tool: string }) {
  return (
    <ActionForm action={decideApprovalAction} aria-label={`Decide request ${id}`} className="flex flex-wrap items-center gap-2">
      {(pending) => (
        <>
          <input type="hidden" name="id" value={id} />
          <Input name="note" placeholder="Note (optional)" maxLength={500} className="max-w-56" aria-label="Note" />
          <Button type="submit" name="verdict" value="approve" disabled={pending} aria-label={`Approve the call to ${tool}`}>Approve</Button>
          <Button type="submit" name="verdict" value="deny" variant="secondary" disabled={pending} aria-label={`Deny the call to ${tool}`}>Deny</Button>
        </>
      )}
    </ActionForm>
  );
}
