"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { createUserAction } from "@/lib/actions/users/create-user";

export function CreateUserForm({ roles }: { roles: Array<{ name: string; description: string }> }) {
  return (
    <ActionForm action={createUserAction} resetOnSuccess aria-label="Create user" className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Name">
              <Input name="name" required maxLength={120} />
            </Field>
            <Field label="Email">
              <Input name="email" type="email" required />
            </Field>
          </div>
          <Field label="Initial password" hint="At least 12 characters. Share it out of band; the user should change it.">
            <Input name="password" type="password" required minLength={12} autoComplete="new-password" />
          </Field>
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Roles</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {roles.map((role) => (
                <label key={role.name} className="flex items-start gap-2 text-sm">
                  <input type="checkbox" name="roles" value={role.name} className="mt-0.5" />
                  <span>
                    <span className="font-medium text-slate-900">{role.name}</span>
                    <span className="block text-xs text-slate-500">{role.description}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create user"}</Button>
        </>
      )}
    </ActionForm>
  );
}
