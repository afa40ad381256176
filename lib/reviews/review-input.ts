import { z } from "zod";

const names = z.array(z.string().trim().min(1).max(320)).max(500).default([]);

/** What starting a campaign takes, from the console form or the CLI. */
export const startReviewSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(200, "name is longer than 200 characters"),
  dueAt: z.coerce.date({ error: "due date is not a date" }),
  undecided: z.enum(["keep", "revoke"], { error: "undecided items must be kept or revoked (keep | revoke)" }),
  /** Empty lists: every active grant. Otherwise grants matching every non-empty list. */
  clients: names,
  users: names,
  roles: names,
  scopes: names,
  reviewerRoles: names,
  reviewerUsers: names,
});

export type StartReviewInput = z.input<typeof startReviewSchema>;

export const REVIEW_DECISIONS = ["keep", "downscope", "revoke"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
