"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { updateWorkosLinking } from "@/lib/settings/update-workos-linking";

// Authorizes first (an audited 403 without settings:write), then lets lib/ validate, change and audit.
export async function updateWorkosLinkingAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "change WorkOS account linking");
    const domains = formString(form, "autoLinkEmailDomains").split(/[\s,]+/).filter(Boolean);
    const { autoLinkEmailDomains } = await updateWorkosLinking({ autoLinkEmailDomains: domains }, admin.context);
    revalidatePath("/settings");
    return {
      ok: true,
      message: autoLinkEmailDomains.length
        ? `Verified emails at ${autoLinkEmailDomains.join(", ")} now link automatically.`
        : "No WorkOS account links automatically now.",
    };
  });
}
