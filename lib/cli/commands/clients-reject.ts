import { defineClientDecisionCommand } from "@/lib/cli/commands/client-decision-command";
import { rejectClient } from "@/lib/clients/reject-client";

export default defineClientDecisionCommand({
  verb: "reject",
  summary: "Reject a pending client: it never obtains a token",
  decide: rejectClient,
  describe: (result) => [`Rejected ${result.name} (${result.clientId}).`],
});
