"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { createUser } from "@/lib/users/create-user";

export async function createUserAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "create users");
    const user = await createUser(
      {
        email: formString(form, "email"),
        name: formString(form, "name"),
        password: formString(form, "password"),
        roles: formStrings(form, "roles"),
      },
      admin.context,
    );
    revalidatePath("/users");
    return { ok: true, message: `Created ${user.email}.` };
  });
}
