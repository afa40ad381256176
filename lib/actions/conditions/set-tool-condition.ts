"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { setToolCondition } from "@/lib/conditions/set-tool-condition";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";

export async function setToolConditionAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "put a condition on a role's use of a tool");
    const role = formString(form, "role");
    const tool = formString(form, "tool");
    const result = await setToolCondition(role, tool, formString(form, "expression"), admin.context);
    await noteImpactSaved(form, admin.context);
    revalidatePath(`/roles/${role}`, "layout");
    return { ok: true, message: result.changed ? `Saved: ${role} may use ${tool} only when the condition holds.` : "No change." };
  });
}
