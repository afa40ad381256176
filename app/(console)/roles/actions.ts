"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { addRoleParent } from "@/lib/roles/add-role-parent";
import { createRole } from "@/lib/roles/create-role";
import { deleteRole } from "@/lib/roles/delete-role";
import { removeRoleParent } from "@/lib/roles/remove-role-parent";
import { setRoleScopes } from "@/lib/roles/set-role-scopes";
import { updateRole } from "@/lib/roles/update-role";

// Every action authorizes first (an audited 403 without policy:write), then lets lib/ validate and change.

function refresh(role?: string) {
  revalidatePath("/roles");
  if (role) revalidatePath(`/roles/${role}`);
}

export async function createRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "create roles");
    const role = await createRole(
      {
        name: formString(form, "name"),
        description: formString(form, "description"),
        scopes: formStrings(form, "scopes"),
        parents: formStrings(form, "parents"),
      },
      admin.context,
    );
    refresh(role.name);
    return { ok: true, message: `Created role ${role.name}.` };
  });
}

export async function updateRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "edit roles");
    const role = formString(form, "role");
    await updateRole(role, { description: formString(form, "description") }, admin.context);
    refresh(role);
    return { ok: true, message: "Description saved." };
  });
}

export async function setRoleScopesAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change a role's scopes");
    const role = formString(form, "role");
    const { added, removed } = await setRoleScopes(role, formStrings(form, "scopes"), admin.context);
    refresh(role);
    if (added.length === 0 && removed.length === 0) return { ok: true, message: "No change." };
    const parts = [added.length ? `added ${added.join(", ")}` : "", removed.length ? `removed ${removed.join(", ")}` : ""];
    return { ok: true, message: `Scopes saved: ${parts.filter(Boolean).join("; ")}.` };
  });
}

export async function addRoleParentAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change role inheritance");
    const role = formString(form, "role");
    const parent = formString(form, "parent");
    await addRoleParent(role, parent, admin.context);
    refresh(role);
    return { ok: true, message: `${role} now inherits ${parent}.` };
  });
}

export async function removeRoleParentAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change role inheritance");
    const role = formString(form, "role");
    const parent = formString(form, "parent");
    await removeRoleParent(role, parent, admin.context);
    refresh(role);
    return { ok: true, message: `${role} no longer inherits ${parent}.` };
  });
}

export async function deleteRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async () => {
    const admin = await requireScope("policy:write", "delete roles");
    const role = formString(form, "role");
    await deleteRole(role, admin.context);
    refresh();
    return { ok: true as const, message: role };
  });
  if (result.ok) redirect(`/roles?deleted=${encodeURIComponent(result.message ?? "")}`);
  return result;
}
