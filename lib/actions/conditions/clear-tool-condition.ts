"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { clearToolCondition } from "@/lib/conditions/clear-tool-condition";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";

export async function clearToolConditionAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "remove a condition on a role's use of a tool");
    const role = formString(form, "role");
    const tool = formString(form, "tool");
    const result = await clearToolCondition(role, tool, admin.context);
    await noteImpactSaved(form, admin.context);
    revalidatePath(`/roles/${role}`, "layout");
    return { ok: true, message: result.cleared ? `Removed: ${role} may use ${tool} without a condition.` : "There was no condition." };
  });
}
