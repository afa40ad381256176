"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { liftAuthkitRevocation } from "@/lib/workos/lift-authkit-revocation";

export async function liftRevocationAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "lift AuthKit revocations");
    await liftAuthkitRevocation(formString(form, "id"), admin.context);
    revalidatePath("/workos");
    return { ok: true, message: "Revocation lifted." };
  });
}
