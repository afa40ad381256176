"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { setToolScope } from "@/lib/tools/set-tool-scope";

export async function setToolScopeAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change which scope a tool requires");
    const tool = formString(form, "tool");
    const scope = formString(form, "scope");
    const { changed, previous } = await setToolScope(tool, scope, admin.context);
    await noteImpactSaved(form, admin.context);
    revalidatePath("/scopes");
    revalidatePath("/roles", "layout");
    return { ok: true, message: changed ? `${tool} now requires ${scope} (was ${previous}).` : "No change." };
  });
}
