"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { addRoleMappingAction } from "@/lib/actions/workos/add-role-mapping";
import { removeRoleMappingAction } from "@/lib/actions/workos/remove-role-mapping";

export function AddRoleMappingForm({ roles }: { roles: string[] }) {
  return (
    <ActionForm action={addRoleMappingAction} resetOnSuccess aria-label="Add role mapping" className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="WorkOS claim">
              <Select name="externalKind" defaultValue="role">
                <option value="role">role (role, roles)</option>
                <option value="permission">permission (permissions)</option>
              </Select>
            </Field>
            <Field label="WorkOS name">
              <Input name="externalName" required maxLength={100} placeholder="admin" />
            </Field>
            <Field label="Local role">
              <Select name="role" defaultValue="" required>
                <option value="" disabled>Choose a role…</option>
                {roles.map((r) => (
                  <option key={r} value={r}>{r}</option>
                ))}
              </Select>
            </Field>
          </div>
          <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add mapping"}</Button>
        </>
      )}
    </ActionForm>
  );
}

export function RemoveRoleMappingButton({ id, label }: { id: string; label: string }) {
  return (
    <ActionForm action={removeRoleMappingAction} confirm={`Remove the mapping ${label}? Callers lose the role on their next call.`}>
      <input type="hidden" name="id" value={id} />
      <Button variant="ghost" type="submit" aria-label={`Remove mapping ${label}`} className="px-1.5 py-0.5 text-xs">
        Remove
      </Button>
    </ActionForm>
  );
}
