"use server";

import { redirect } from "next/navigation";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { startReviewCampaign } from "@/lib/reviews/start-review-campaign";

/** Comma- or newline-separated names in one text field. */
const names = (form: FormData, field: string) => formString(form, field).split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

export async function startReviewAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  let id: string | undefined;
  const result = await runAction<undefined>(async () => {
    const me = await requireScope("reviews:write", "start access reviews");
    const due = formString(form, "dueAt");
    const started = await startReviewCampaign(
      {
        name: formString(form, "name"),
        // A datetime-local field has no zone: the console shows and takes UTC.
        dueAt: (due && !/[zZ]|[+-]\d\d:\d\d$/.test(due) ? `${due}Z` : due) as unknown as Date,
        undecided: formString(form, "undecided") as "keep",
        clients: names(form, "clients"),
        users: names(form, "users"),
        roles: names(form, "roles"),
        scopes: names(form, "scopes"),
        reviewerRoles: names(form, "reviewerRoles"),
        reviewerUsers: names(form, "reviewerUsers"),
      },
      me.context,
    );
    id = started.id;
    return { ok: true, message: `Started with ${started.items} item(s).` };
  });
  if (result.ok && id) redirect(`/reviews/${id}`);
  return result;
}
