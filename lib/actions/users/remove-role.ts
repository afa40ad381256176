"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { removeRole } from "@/lib/users/remove-role";
import { userRoleFromForm } from "./user-role-form";

export async function removeRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "remove roles");
    const { userId, role } = userRoleFromForm(form);
    await removeRole(userId, role, admin.context);
    await noteImpactSaved(form, admin.context);
    revalidatePath(`/users/${userId}`);
    revalidatePath("/users");
    return { ok: true, message: `Role ${role} removed.` };
  });
}
