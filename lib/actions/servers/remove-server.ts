"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { removeUpstreamServer } from "@/lib/gateway/remove-upstream-server";

export async function removeServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "remove upstream servers");
    const name = formString(form, "name");
    const result = await removeUpstreamServer(name, formString(form, "reason") || "removed in the console", admin.context);
    revalidatePath("/servers");
    return { ok: true, message: `Removed ${name}; ${result.revokedGrants} grants for its endpoint revoked.` };
  });
}
