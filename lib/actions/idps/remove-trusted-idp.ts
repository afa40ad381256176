"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { removeTrustedIdp } from "@/lib/idps/remove-trusted-idp";

export async function removeTrustedIdpAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "stop trusting an enterprise identity provider");
    const idp = await removeTrustedIdp(formString(form, "id"), admin.context);
    revalidatePath("/settings");
    return { ok: true, message: `ID-JAGs from ${idp.name} are refused now.` };
  });
}
