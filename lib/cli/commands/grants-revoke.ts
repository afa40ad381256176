import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";
import { revokeClientGrants } from "@/lib/grants/revoke-client-grants";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { revokeUserGrants } from "@/lib/grants/revoke-user-grants";
import { findUser } from "@/lib/users/find-user";

export default defineCommand({
  name: "grants revoke",
  summary: "Revoke one grant, or every live grant of a client or a user, with all their tokens (refused from the next call)",
  positionals: "[<grant-id>]",
  options: {
    client: { type: "string", value: "<client-id>", description: "Every live grant of this client" },
    user: { type: "string", value: "<email|id>", description: "Every live grant of this user" },
    reason: { type: "string", value: "<text>", description: "Why (required; kept in the audit log)" },
  },
  schema: z
    .object({
      _: z.array(z.string()).max(1, "give at most one grant id"),
      client: z.string().optional(),
      user: z.string().optional(),
      reason: z.string({ error: "--reason is required" }).trim().min(1, "--reason must not be empty"),
    })
    .refine((o) => [o._.length > 0, Boolean(o.client), Boolean(o.user)].filter(Boolean).length === 1, {
      message: "give exactly one of: a grant id, --client or --user",
    }),
  async run(options, io) {
    if (options._[0]) {
      const result = await revokeGrant(options._[0], CLI_CONTEXT, options.reason);
      if (io.json) io.out(JSON.stringify(result));
      else io.out(result.revoked ? `Revoked grant ${result.grantId} (${result.accessTokens} access, ${result.refreshTokens} refresh token(s))${result.consentsWithdrawn ? "; the user's remembered consent is withdrawn" : ""}.` : `Grant ${result.grantId} was already revoked.`);
      return 0;
    }
    let result;
    if (options.client) {
      result = await revokeClientGrants(options.client, options.reason, CLI_CONTEXT);
    } else {
      const user = await findUser(options.user!);
      if (!user) throw new AppError("not_found", `No user ${options.user}.`);
      result = await revokeUserGrants(user.id, options.reason, CLI_CONTEXT);
    }
    if (io.json) io.out(JSON.stringify(result));
    else io.out(`Revoked ${result.grantIds.length} grant(s) of ${result.name} (${result.accessTokens} access, ${result.refreshTokens} refresh token(s)); ${result.consentsWithdrawn} remembered consent(s) withdrawn.`);
    return 0;
  },
});
