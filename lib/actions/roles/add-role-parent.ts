"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { addRoleParent } from "@/lib/roles/add-role-parent";
import { refreshRolePages } from "./refresh-role-pages";

export async function addRoleParentAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change role inheritance");
    const role = formString(form, "role");
    const parent = formString(form, "parent");
    await addRoleParent(role, parent, admin.context);
    await noteImpactSaved(form, admin.context);
    refreshRolePages(role);
    return { ok: true, message: `${role} now inherits ${parent}.` };
  });
}
