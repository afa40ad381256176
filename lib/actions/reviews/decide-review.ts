"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { decideReviewItems } from "@/lib/reviews/decide-review-items";
import { REVIEW_DECISIONS, type ReviewDecision } from "@/lib/reviews/review-input";

/** One item (its decide buttons) or many (the bulk form's checked items); every item gets its own audit event. */
export async function decideReviewAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const me = await requireScope("reviews:write", "decide access reviews");
    const campaignId = formString(form, "campaignId");
    const decision = formString(form, "decision") as ReviewDecision;
    if (!REVIEW_DECISIONS.includes(decision)) throw new AppError("invalid_input", "Choose keep, downscope or revoke.");
    const itemIds = formStrings(form, "itemId");
    const scopes = formStrings(form, "scope");
    const result = await decideReviewItems(
      { campaignId, itemIds, decision, scopes: decision === "downscope" && scopes.length ? scopes : undefined, note: formString(form, "note") || undefined },
      { ctx: me.context, userId: me.id },
    );
    revalidatePath(`/reviews/${campaignId}`);
    return { ok: true, message: `${result.decided} item(s): ${decision}.` };
  });
}
