import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { deleteClient } from "@/lib/clients/delete-client";

export default defineCommand({
  name: "clients delete",
  summary: "Delete a client with its grants and tokens (they stop working at once); it may register again as a new pending client",
  positionals: "<client-id>",
  options: {
    reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
  },
  schema: z.object({
    _: z.tuple([z.string()], { error: "give exactly one client id" }),
    reason: z.string({ error: "--reason is required" }),
  }),
  async run(options, io) {
    const removed = await deleteClient(options._[0], options.reason, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(removed));
    else {
      io.out(`Deleted ${removed.name} (${removed.id}) with ${removed.liveGrants} live grant(s) and ${removed.liveAccessTokens} live access token(s).`);
      if (removed.blockedUntil) io.out(`Its id stays deny-listed until ${removed.blockedUntil.toISOString()}, when its last token would have expired.`);
    }
    return 0;
  },
});
