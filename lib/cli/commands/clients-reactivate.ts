import { defineClientDecisionCommand } from "@/lib/cli/commands/client-decision-command";
import { reactivateClient } from "@/lib/clients/reactivate-client";

export default defineClientDecisionCommand({
  verb: "reactivate",
  summary: "Reactivate a suspended client: the grants it kept count again",
  previewable: true,
  decide: reactivateClient,
  describe: (result) => [`Reactivated ${result.name} (${result.clientId}).`],
});
