"use server";

import { consoleUser } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { recordImpactDecision } from "@/lib/impact/record-impact-decision";

/** The admin saw a change's impact and chose not to save it: recorded against their preview. */
export async function cancelImpactPreviewAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await consoleUser();
    await recordImpactDecision({ previewSeq: formString(form, "impactPreview"), decision: "cancelled" }, user.context);
    return { ok: true, message: "Cancelled: nothing was changed." };
  });
}
