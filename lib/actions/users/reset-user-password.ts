"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { resetUserPassword } from "@/lib/users/reset-user-password";

const input = z.object({
  userId: z.uuid(),
  reason: z.string().trim().min(1, "give a reason").max(500),
});

/** Resets a person's password to a temporary one, shown once in the answer, and forces a change at the next sign-in. */
export async function resetUserPasswordAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "reset passwords");
    const parsed = input.safeParse({ userId: formString(form, "userId"), reason: formString(form, "reason") });
    if (!parsed.success) throw new AppError("invalid_input", parsed.error.issues[0].path[0] === "reason" ? "Reason: give a reason." : "unknown user");
    const { email, temporaryPassword } = await resetUserPassword(parsed.data.userId, parsed.data.reason, admin.context);
    revalidatePath(`/users/${parsed.data.userId}`);
    return {
      ok: true,
      message: `Password of ${email} reset. Temporary password (shown once): ${temporaryPassword} — hand it over privately; they must choose their own at the next sign-in.`,
    };
  });
}
