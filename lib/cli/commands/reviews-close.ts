import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { closeReviewCampaign } from "@/lib/reviews/close-review-campaign";

export default defineCommand({
  name: "reviews close",
  summary: "Close a campaign now: undecided items follow its setting (keep or revoke)",
  positionals: "<campaign-id>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give the campaign id") }),
  async run(o, io) {
    const result = await closeReviewCampaign(o._[0], CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`Closed; ${result.applied} undecided item(s) ${result.undecided === "keep" ? "kept" : "revoked"}.`);
    return 0;
  },
});
