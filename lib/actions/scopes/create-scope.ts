"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { createScope } from "@/lib/scopes/create-scope";

export async function createScopeAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "create scopes");
    const { name } = await createScope({ name: formString(form, "name"), description: formString(form, "description") }, admin.context);
    revalidatePath("/scopes");
    return { ok: true, message: `Created scope ${name}. Give it to a role and make a tool require it.` };
  });
}
