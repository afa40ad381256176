"use client";

import { PreviewedActionForm } from "@/components/impact/previewed-action-form";
import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { assignRoleAction } from "@/lib/actions/users/assign-role";
import { removeRoleAction } from "@/lib/actions/users/remove-role";
import { setUserDisabledAction } from "@/lib/actions/users/set-user-disabled";

export function UserRoleControls({
  userId,
  roles,
  availableRoles,
  canWrite,
}: {
  userId: string;
  roles: string[];
  availableRoles: string[];
  canWrite: boolean;
}) {
  const unassigned = availableRoles.filter((r) => !roles.includes(r));
  return (
    <div className="space-y-4">
      <ul className="flex flex-wrap gap-2" aria-label="Assigned roles">
        {roles.length === 0 ? <li className="text-sm text-slate-500">No roles: this user can do nothing.</li> : null}
        {roles.map((role) => (
          <li key={role} className="flex items-center gap-1">
            <Badge tone="brand">{role}</Badge>
            {canWrite ? (
              <PreviewedActionForm action={removeRoleAction} impact={() => ({ kind: "user_role_remove", userId, role })} aria-label={`Remove role ${role}`}>
                <input type="hidden" name="userId" value={userId} />
                <input type="hidden" name="role" value={role} />
                <Button variant="ghost" type="submit" aria-label={`Remove role ${role}`} className="px-1.5 py-0.5 text-xs">
                  ✕
                </Button>
              </PreviewedActionForm>
            ) : null}
          </li>
        ))}
      </ul>
      {canWrite && unassigned.length > 0 ? (
        <PreviewedActionForm
          action={assignRoleAction}
          impact={(form) => ({ kind: "user_role_add", userId, role: String(form.get("role") ?? "") })}
          aria-label="Assign role"
          className="flex max-w-md flex-wrap items-end gap-2"
        >
          <input type="hidden" name="userId" value={userId} />
          <label className="flex-1 text-sm">
            <span className="sr-only">Role to assign</span>
            <Select name="role" defaultValue="" required aria-label="Role to assign">
              <option value="" disabled>Choose a role…</option>
              {unassigned.map((r) => (
                <option key={r} value={r}>{r}</option>
              ))}
            </Select>
          </label>
          <Button type="submit">Assign role</Button>
        </PreviewedActionForm>
      ) : null}
    </div>
  );
}

export function UserStatusControl({ userId, disabled }: { userId: string; disabled: boolean }) {
  return (
    <ActionForm
      action={setUserDisabledAction}
      confirm={disabled ? "Enable this user?" : "Disable this user? Every grant they hold is revoked at once."}
    >
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="disabled" value={disabled ? "false" : "true"} />
      <Button type="submit" variant={disabled ? "secondary" : "danger"}>{disabled ? "Enable user" : "Disable user"}</Button>
    </ActionForm>
  );
}
