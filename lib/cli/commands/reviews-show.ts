import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { loadReviewCampaign } from "@/lib/reviews/load-review-campaign";

export default defineCommand({
  name: "reviews show",
  summary: "Show a campaign's items with their evidence (last use, unused scopes, suggestion) and decisions",
  positionals: "<campaign-id>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give the campaign id") }),
  async run(o, io) {
    const c = await loadReviewCampaign(o._[0]);
    if (io.json) {
      io.out(JSON.stringify(c));
      return 0;
    }
    io.out(`${c.name} (${c.status}), due ${c.dueAt}; undecided items will be ${c.undecided === "keep" ? "kept" : "revoked"}`);
    io.out(`Reviewers: ${c.reviewers.map((r) => r.email).join(", ")}`);
    io.out("");
    const rows = c.items.map((i) => [
      i.id,
      i.user.email,
      i.client.name,
      i.scopes.join(" "),
      i.evidence.lastUsedAt?.slice(0, 16).replace("T", " ") ?? "never",
      i.evidence.unusedScopes.join(" ") || "-",
      i.evidence.suggestion,
      i.decision ? `${i.decision}${i.decision === "downscope" ? ` → ${i.decidedScopes.join(" ")}` : ""} by ${i.decidedBy}` : "undecided",
    ]);
    table(rows, ["ITEM", "USER", "CLIENT", "SCOPES", "LAST USED", "UNUSED (90 D)", "SUGGESTED", "DECISION"]).forEach((l) => io.out(l));
    return 0;
  },
});
