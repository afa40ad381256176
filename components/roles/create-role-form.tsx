"use client";

import { ScopePicker, type PickableScope } from "@/components/roles/scope-picker";
import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { createRoleAction } from "@/lib/actions/roles/create-role";

export function CreateRoleForm({ scopes, roles }: { scopes: PickableScope[]; roles: string[] }) {
  return (
    <ActionForm action={createRoleAction} resetOnSuccess aria-label="Create role" className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Role name" hint="Lowercase letters, digits, _ . or -; e.g. support_lead. It cannot be changed later.">
              <Input name="name" required pattern="[a-z][a-z0-9_.\-]{1,62}" autoComplete="off" />
            </Field>
            <Field label="Description">
              <Input name="description" maxLength={500} />
            </Field>
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Inherits from</legend>
            <p className="text-xs text-slate-500">The new role gets every scope of the roles it inherits from, now and later.</p>
            <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
              {roles.map((role) => (
                <label key={role} className="flex items-center gap-1.5 text-sm">
                  <input type="checkbox" name="parents" value={role} />
                  <span className="font-mono">{role}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <ScopePicker scopes={scopes} legend="Own scopes" />
          <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create role"}</Button>
        </>
      )}
    </ActionForm>
  );
}
