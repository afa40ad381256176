"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { acceptUpstreamTools } from "@/lib/gateway/accept-upstream-tools";

export async function acceptToolsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("servers:write", "accept upstream tools");
    const name = formString(form, "name");
    const tools = formStrings(form, "tool");
    const { accepted } = await acceptUpstreamTools(name, tools.length ? tools : "all", admin.context);
    revalidatePath("/servers");
    revalidatePath("/scopes");
    return { ok: true, message: accepted.length ? `Accepted ${accepted.join(", ")} on ${name}.` : "No held tools to accept." };
  });
}
