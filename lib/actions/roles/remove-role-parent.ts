"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { removeRoleParent } from "@/lib/roles/remove-role-parent";
import { refreshRolePages } from "./refresh-role-pages";

export async function removeRoleParentAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change role inheritance");
    const role = formString(form, "role");
    const parent = formString(form, "parent");
    await removeRoleParent(role, parent, admin.context);
    await noteImpactSaved(form, admin.context);
    refreshRolePages(role);
    return { ok: true, message: `${role} no longer inherits ${parent}.` };
  });
}
