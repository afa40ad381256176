"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { refreshUpstreamServer } from "@/lib/gateway/refresh-upstream-server";

export async function refreshServerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "refresh upstream servers");
    const report = await refreshUpstreamServer(formString(form, "name"), admin.context);
    revalidatePath("/servers");
    const held = [...report.added, ...report.changed];
    return { ok: true, message: held.length ? `Refreshed ${report.name}: ${held.join(", ")} held for review.` : `Refreshed ${report.name}: no tool changed.` };
  });
}
