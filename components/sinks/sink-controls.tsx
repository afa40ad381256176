"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { removeSinkAction, testSinkAction } from "@/lib/actions/audit/audit-sinks";

/** Test a sink's connection (sends the newest event once) or remove it, after a confirmation. */
export function SinkControls({ name }: { name: string }) {
  return (
    <div className="flex flex-col gap-2">
      <ActionForm action={testSinkAction} aria-label={`Test sink ${name}`}>
        {(pending) => (
          <>
            <input type="hidden" name="name" value={name} />
            <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Testing…" : "Test connection"}</Button>
          </>
        )}
      </ActionForm>
      <ActionForm action={removeSinkAction} aria-label={`Remove sink ${name}`} confirm={`Remove the audit sink ${name}? It stops receiving events; its cursor and secrets are deleted.`}>
        <input type="hidden" name="name" value={name} />
        <Button type="submit" variant="secondary">Remove</Button>
      </ActionForm>
    </div>
  );
}
