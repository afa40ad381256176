"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { removeRoleMapping } from "@/lib/workos/remove-role-mapping";

export async function removeRoleMappingAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "remove WorkOS role mappings");
    await removeRoleMapping(formString(form, "id"), admin.context);
    revalidatePath("/workos");
    return { ok: true, message: "Mapping removed." };
  });
}
