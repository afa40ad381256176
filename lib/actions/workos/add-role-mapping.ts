"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { addRoleMapping } from "@/lib/workos/add-role-mapping";

export async function addRoleMappingAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "map WorkOS roles");
    const mapping = await addRoleMapping(
      { externalKind: formString(form, "externalKind") as "role", externalName: formString(form, "externalName"), role: formString(form, "role") },
      admin.context,
    );
    revalidatePath("/workos");
    return { ok: true, message: `workos ${mapping.externalKind} ${mapping.externalName} now maps to role ${mapping.role}.` };
  });
}
