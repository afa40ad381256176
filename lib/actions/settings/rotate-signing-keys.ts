"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { rotateSigningKeys } from "@/lib/keys/rotate-signing-keys";

export async function rotateSigningKeysAction(_previous: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "rotate signing keys");
    const { kid, retired, publishUntil } = await rotateSigningKeys(admin.context);
    revalidatePath("/settings");
    return {
      ok: true,
      message: `New signing key ${kid}. ${retired.length ? `${retired.join(", ")} stays published until ${publishUntil.toISOString().slice(0, 16).replace("T", " ")} UTC.` : ""}`.trim(),
    };
  });
}
