import { z } from "zod";
import type { ClientStatusChange } from "@/lib/clients/change-client-status";

/** The input of a tool that takes a decision on one client: which one, and why. */
export const clientDecisionInput = z
  .object({
    client_id: z.string().min(1).max(2048).describe("The client's client_id"),
    reason: z.string().trim().min(1).max(500).describe("Why, for the audit log and the client's record"),
  })
  .strict();

/** What such a tool answers: the client's status before and after. */
export function describeStatusChange(change: ClientStatusChange) {
  return { client_id: change.clientId, name: change.name, previous_status: change.from, status: change.status, changed_at: change.changedAt.toISOString() };
}
