import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { revokeGrant } from "@/lib/grants/revoke-grant";

export default defineCommand({
  name: "grants revoke",
  summary: "Revoke a grant and every token issued under it (refused at /mcp from the next call)",
  positionals: "<grant-id>",
  options: {
    reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
  },
  schema: z.object({
    _: z.tuple([z.string()], { error: "give exactly one grant id" }),
    reason: z.string({ error: "--reason is required" }).trim().min(1, "--reason must not be empty"),
  }),
  async run(options, io) {
    const result = await revokeGrant(options._[0], CLI_CONTEXT, options.reason);
    if (io.json) io.out(JSON.stringify(result));
    else if (!result.revoked) io.out(`Grant ${result.grantId} was already revoked (${result.revokedAt.toISOString()}).`);
    else io.out(`Revoked grant ${result.grantId}: ${result.accessTokens} access and ${result.refreshTokens} refresh tokens.`);
    return 0;
  },
});
