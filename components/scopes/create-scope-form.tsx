"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { createScopeAction } from "@/lib/actions/scopes/create-scope";

export function CreateScopeForm() {
  return (
    <ActionForm action={createScopeAction} resetOnSuccess aria-label="Create scope" className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Scope name" hint="area:verb (reports:read) or tools:<tool name> (tools:deploy_service).">
              <Input name="name" required maxLength={100} autoComplete="off" />
            </Field>
            <Field label="What it allows">
              <Input name="description" required maxLength={300} />
            </Field>
          </div>
          <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create scope"}</Button>
        </>
      )}
    </ActionForm>
  );
}
