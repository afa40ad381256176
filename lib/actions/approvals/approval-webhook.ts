"use server";

import { revalidatePath } from "next/cache";
import { clearApprovalWebhook, setApprovalWebhook } from "@/lib/approvals/set-approval-webhook";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";

/** Sets the webhook told of new approval requests; the URL is write-only (sealed, only its origin shown). */
export async function setApprovalWebhookAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "set the approvals webhook");
    const { display } = await setApprovalWebhook(formString(form, "url"), form.get("allowPrivate") === "on", admin.context);
    revalidatePath("/approvals");
    return { ok: true, message: `New approval requests are notified to ${display}.` };
  });
}

export async function clearApprovalWebhookAction(): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("settings:write", "remove the approvals webhook");
    const cleared = await clearApprovalWebhook(admin.context);
    revalidatePath("/approvals");
    return { ok: true, message: cleared ? "New approval requests are no longer notified." : "No webhook was set." };
  });
}
