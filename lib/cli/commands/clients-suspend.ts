import { defineClientDecisionCommand } from "@/lib/cli/commands/client-decision-command";
import { suspendClient } from "@/lib/clients/suspend-client";

export default defineClientDecisionCommand({
  verb: "suspend",
  summary: "Suspend an active client: its tokens are refused at once; its grants are kept (revoke them with grants revoke --client)",
  previewable: true,
  decide: suspendClient,
  describe: (result) => [
    `Suspended ${result.name} (${result.clientId}): its tokens are refused until it is reactivated. To end its grants too: revoke them.`,
  ],
});
