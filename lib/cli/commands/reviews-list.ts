import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { listReviewCampaigns } from "@/lib/reviews/list-review-campaigns";

export default defineCommand({
  name: "reviews list",
  summary: "List access-review campaigns with their progress",
  options: {},
  schema: z.object({}),
  async run(_o, io) {
    const campaigns = await listReviewCampaigns();
    if (io.json) io.out(JSON.stringify(campaigns));
    else if (campaigns.length === 0) io.out("No access reviews. Start one: reviews start <name> --due <date> --undecided keep|revoke --reviewer-role access_reviewer");
    else table(campaigns.map((c) => [c.id, c.name, c.status, c.dueAt.slice(0, 16).replace("T", " "), `${c.decided}/${c.items}`, c.undecided]), ["ID", "NAME", "STATUS", "DUE (UTC)", "DECIDED", "UNDECIDED →"]).forEach((l) => io.out(l));
    return 0;
  },
});
