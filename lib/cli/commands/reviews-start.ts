import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { startReviewCampaign } from "@/lib/reviews/start-review-campaign";

const list = { type: "string" as const, multiple: true };

export default defineCommand({
  name: "reviews start",
  summary: "Start an access-review campaign over active grants (all, or of some clients, users, roles or scopes)",
  positionals: "<name>",
  options: {
    due: { type: "string", value: "<date>", description: "Due date (ISO 8601, e.g. 2027-01-31T17:00Z); must be in the future" },
    undecided: { type: "string", value: "<keep|revoke>", description: "What happens to items nobody decided by the due date" },
    client: { ...list, value: "<id|name>", description: "Only grants of this client (repeatable)" },
    user: { ...list, value: "<email|id>", description: "Only grants of this user (repeatable)" },
    role: { ...list, value: "<name>", description: "Only grants of users holding this role (repeatable)" },
    scope: { ...list, value: "<scope>", description: "Only grants holding this scope (repeatable)" },
    "reviewer-role": { ...list, value: "<name>", description: "Members of this role review (it must grant reviews:write)" },
    reviewer: { ...list, value: "<email|id>", description: "This person reviews (must hold reviews:write)" },
  },
  schema: z.object({
    _: z.array(z.string()).length(1, "give the campaign's name"),
    due: z.string({ error: "--due is required" }),
    undecided: z.string({ error: "--undecided is required (keep or revoke)" }),
    client: z.array(z.string()).default([]),
    user: z.array(z.string()).default([]),
    role: z.array(z.string()).default([]),
    scope: z.array(z.string()).default([]),
    "reviewer-role": z.array(z.string()).default([]),
    reviewer: z.array(z.string()).default([]),
  }),
  async run(o, io) {
    const started = await startReviewCampaign(
      {
        name: o._[0],
        dueAt: o.due as unknown as Date,
        undecided: o.undecided as "keep",
        clients: o.client,
        users: o.user,
        roles: o.role,
        scopes: o.scope,
        reviewerRoles: o["reviewer-role"],
        reviewerUsers: o.reviewer,
      },
      CLI_CONTEXT,
    );
    if (io.json) io.out(JSON.stringify(started));
    else io.out(`Started access review ${started.id}: ${started.items} grant(s), ${started.reviewers} reviewer(s).`);
    return 0;
  },
});
