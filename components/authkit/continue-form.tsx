"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { continueToAuthkitAction } from "@/lib/actions/authkit/continue-to-authkit";

export function ContinueForm({ externalAuthId, email }: { externalAuthId: string; email: string }) {
  return (
    <ActionForm action={continueToAuthkitAction} aria-label="Continue to AuthKit" className="space-y-4">
      {(pending) => (
        <>
          <input type="hidden" name="external_auth_id" value={externalAuthId} />
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? "Continuing…" : `Continue as ${email}`}
          </Button>
        </>
      )}
    </ActionForm>
  );
}
