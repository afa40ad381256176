"use client";

import { PreviewedActionForm } from "@/components/impact/previewed-action-form";
import { ScopePicker, type PickableScope } from "@/components/roles/scope-picker";
import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { addRoleParentAction } from "@/lib/actions/roles/add-role-parent";
import { deleteRoleAction } from "@/lib/actions/roles/delete-role";
import { removeRoleParentAction } from "@/lib/actions/roles/remove-role-parent";
import { setRoleScopesAction } from "@/lib/actions/roles/set-role-scopes";
import { updateRoleAction } from "@/lib/actions/roles/update-role";

export function RoleDescriptionForm({ role, description }: { role: string; description: string }) {
  return (
    <ActionForm action={updateRoleAction} aria-label="Edit description" className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="role" value={role} />
      <div className="min-w-64 flex-1">
        <Field label="Description">
          <Input name="description" defaultValue={description} maxLength={500} />
        </Field>
      </div>
      <Button type="submit" variant="secondary">Save description</Button>
    </ActionForm>
  );
}

export function RoleScopesForm({
  role,
  scopes,
  selected,
  inherited,
}: {
  role: string;
  scopes: PickableScope[];
  selected: string[];
  inherited: string[];
}) {
  return (
    <PreviewedActionForm
      action={setRoleScopesAction}
      impact={(form) => ({ kind: "role_scopes", role, scopes: form.getAll("scopes").map(String) })}
      aria-label="Own scopes"
      className="space-y-4"
    >
      {(pending) => (
        <>
          <input type="hidden" name="role" value={role} />
          <ScopePicker scopes={scopes} selected={selected} inherited={inherited} legend="Own scopes" />
          <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save scopes"}</Button>
        </>
      )}
    </PreviewedActionForm>
  );
}

export function RoleParentsEditor({
  role,
  parents,
  candidates,
  canWrite,
}: {
  role: string;
  parents: string[];
  candidates: string[];
  canWrite: boolean;
}) {
  return (
    <div className="space-y-4">
      <ul className="flex flex-wrap gap-2" aria-label="Inherits from">
        {parents.length === 0 ? <li className="text-sm text-slate-500">Inherits from no role.</li> : null}
        {parents.map((parent) => (
          <li key={parent} className="flex items-center gap-1">
            <Badge tone="brand">{parent}</Badge>
            {canWrite ? (
              <PreviewedActionForm action={removeRoleParentAction} impact={() => ({ kind: "role_parent_remove", role, parent })} aria-label={`Stop inheriting ${parent}`}>
                <input type="hidden" name="role" value={role} />
                <input type="hidden" name="parent" value={parent} />
                <Button variant="ghost" type="submit" aria-label={`Stop inheriting ${parent}`} className="px-1.5 py-0.5 text-xs">✕</Button>
              </PreviewedActionForm>
            ) : null}
          </li>
        ))}
      </ul>
      {canWrite && candidates.length > 0 ? (
        <PreviewedActionForm
          action={addRoleParentAction}
          impact={(form) => ({ kind: "role_parent_add", role, parent: String(form.get("parent") ?? "") })}
          aria-label="Add parent role"
          className="max-w-md"
        >
          <input type="hidden" name="role" value={role} />
          <div className="flex items-end gap-2">
            <div className="flex-1">
              <Field label="Inherit from">
                <Select name="parent" defaultValue="" required>
                  <option value="" disabled>Choose a role…</option>
                  {candidates.map((c) => (
                    <option key={c} value={c}>{c}</option>
                  ))}
                </Select>
              </Field>
            </div>
            <Button type="submit">Add parent</Button>
          </div>
        </PreviewedActionForm>
      ) : null}
    </div>
  );
}

export function DeleteRoleForm({ role }: { role: string }) {
  return (
    <ActionForm action={deleteRoleAction} confirm={`Delete role ${role}? This cannot be undone (the audit log keeps what it was).`}>
      <input type="hidden" name="role" value={role} />
      <Button type="submit" variant="danger">Delete role</Button>
    </ActionForm>
  );
}
