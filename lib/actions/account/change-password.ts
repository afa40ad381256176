"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/auth";
import { changeOwnPassword } from "@/lib/auth/change-own-password";
import { consoleUser } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";

/**
 * Changes the signed-in user's password. That ends every console session of theirs, this one too; this browser is then
 * signed in again with the new password, so the person who just proved both passwords stays in.
 */
export async function changePasswordAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const me = await consoleUser();
  const password = form.get("password");
  let email = "";
  const result = await runAction<undefined>(async () => {
    ({ email } = await changeOwnPassword(me.id, { current: form.get("current"), next: password, confirm: form.get("confirm") }, me.context));
    return { ok: true as const };
  });
  if (!result.ok) return result;
  try {
    await signIn("credentials", { email, password, redirectTo: "/account?changed=1" });
  } catch (error) {
    // Changed, but this sign-in was refused (throttled): the new password works on the sign-in page.
    if (error instanceof AuthError) redirect("/login?error=session");
    throw error;
  }
  return result;
}
