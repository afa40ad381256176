"use server";

import { revalidatePath } from "next/cache";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { consoleUser } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";

/** Approve or deny a held call. Who may is the approval rule's business (approver roles, never one's own call). */
export async function decideApprovalAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const me = await consoleUser();
    const id = formString(form, "id");
    const verdict = formString(form, "verdict") === "approve" ? "approve" : "deny";
    const { status } = await decideApproval(id, verdict, me.context, formString(form, "note"));
    revalidatePath("/approvals");
    return { ok: true, message: status === "expired" ? "That request had expired; nothing was decided." : `Request ${status}.${status === "approved" ? " The caller's identical call will now run, once." : ""}` };
  });
}
