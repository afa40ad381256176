"use server";

import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { updateRole } from "@/lib/roles/update-role";
import { refreshRolePages } from "./refresh-role-pages";

export async function updateRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "edit roles");
    const role = formString(form, "role");
    await updateRole(role, { description: formString(form, "description") }, admin.context);
    refreshRolePages(role);
    return { ok: true, message: "Description saved." };
  });
}
