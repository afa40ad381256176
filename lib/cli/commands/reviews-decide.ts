import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";
import { decideReviewItems } from "@/lib/reviews/decide-review-items";
import { loadReviewCampaign } from "@/lib/reviews/load-review-campaign";
import { REVIEW_DECISIONS } from "@/lib/reviews/review-input";

export default defineCommand({
  name: "reviews decide",
  summary: "Decide items of a campaign: keep, downscope (to the suggested or given scopes) or revoke; each item is recorded",
  positionals: "<campaign-id> [<item-id>…]",
  options: {
    decision: { type: "string", value: "<keep|downscope|revoke>", description: "The decision" },
    scope: { type: "string", multiple: true, value: "<scope>", description: "downscope: a scope to keep (repeatable; default the suggested ones)" },
    "all-undecided": { type: "boolean", description: "Every undecided item (bulk)" },
    "suggested": { type: "boolean", description: "Every undecided item whose suggestion is this decision (bulk)" },
    note: { type: "string", value: "<text>", description: "Why (kept with the decision)" },
  },
  schema: z.object({
    _: z.array(z.string()).min(1, "give the campaign id"),
    decision: z.enum(REVIEW_DECISIONS, { error: "--decision must be keep, downscope or revoke" }),
    scope: z.array(z.string()).optional(),
    "all-undecided": z.boolean().optional(),
    suggested: z.boolean().optional(),
    note: z.string().optional(),
  }),
  async run(o, io) {
    const [campaignId, ...named] = o._;
    let itemIds = named;
    if (o["all-undecided"] || o.suggested) {
      if (named.length) throw new AppError("invalid_input", "give item ids or --all-undecided / --suggested, not both");
      const campaign = await loadReviewCampaign(campaignId);
      itemIds = campaign.items.filter((i) => !i.decision && (!o.suggested || i.evidence.suggestion === o.decision)).map((i) => i.id);
      if (itemIds.length === 0) throw new AppError("invalid_input", "no undecided item matches");
    }
    const result = await decideReviewItems({ campaignId, itemIds, decision: o.decision, scopes: o.scope, note: o.note }, { ctx: CLI_CONTEXT, userId: null });
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`Decided ${result.decided} item(s): ${o.decision}.`);
    return 0;
  },
});
