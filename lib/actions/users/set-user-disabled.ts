"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { setUserDisabled } from "@/lib/users/set-user-disabled";

export async function setUserDisabledAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "disable or enable users");
    const userId = z.uuid().safeParse(formString(form, "userId"));
    if (!userId.success) throw new AppError("invalid_input", "unknown user");
    const disable = formString(form, "disabled") === "true";
    await setUserDisabled(userId.data, disable, admin.context);
    revalidatePath(`/users/${userId.data}`);
    revalidatePath("/users");
    return { ok: true, message: disable ? "User disabled; their grants are revoked." : "User enabled." };
  });
}
