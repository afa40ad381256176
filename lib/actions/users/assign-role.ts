"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { assignRole } from "@/lib/users/assign-role";
import { userRoleFromForm } from "./user-role-form";

export async function assignRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "assign roles");
    const { userId, role } = userRoleFromForm(form);
    await assignRole(userId, role, admin.context);
    await noteImpactSaved(form, admin.context);
    revalidatePath(`/users/${userId}`);
    revalidatePath("/users");
    return { ok: true, message: `Role ${role} assigned.` };
  });
}
