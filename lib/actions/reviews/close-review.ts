"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { closeReviewCampaign } from "@/lib/reviews/close-review-campaign";

export async function closeReviewAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const me = await requireScope("reviews:write", "close access reviews");
    const campaignId = formString(form, "campaignId");
    const result = await closeReviewCampaign(campaignId, me.context);
    revalidatePath(`/reviews/${campaignId}`);
    return { ok: true, message: `Closed; ${result.applied} undecided item(s) ${result.undecided === "keep" ? "kept" : "revoked"}.` };
  });
}
