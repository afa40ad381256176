import { defineClientDecisionCommand } from "@/lib/cli/commands/client-decision-command";
import { deleteClient } from "@/lib/clients/delete-client";

export default defineClientDecisionCommand({
  verb: "delete",
  summary: "Delete a client with its grants and tokens (they stop working at once); it may register again as a new pending client",
  decide: deleteClient,
  describe: (removed) => [
    `Deleted ${removed.name} (${removed.id}) with ${removed.liveGrants} live grant(s) and ${removed.liveAccessTokens} live access token(s).`,
    ...(removed.blockedUntil
      ? [`Its id stays deny-listed until ${removed.blockedUntil.toISOString()}, when its last token would have expired.`]
      : []),
  ],
});
