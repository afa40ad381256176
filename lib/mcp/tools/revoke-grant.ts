import { z } from "zod";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "revoke_grant",
  title: "Revoke a grant",
  description:
    "Revokes a grant — one user's authorization of one MCP client — with every access and refresh token issued under " +
    "it, and the user's remembered consent for the client, so it must ask again. Its tokens are refused from the next call on. Revoking an already revoked grant changes nothing.",
  requiredScope: "tokens:revoke",
  input: z
    .object({
      grant_id: z.uuid("grant_id must be a grant id (a UUID)").describe("The grant's id"),
      reason: z.string().trim().max(500).optional().describe("Why, for the audit log"),
    })
    .strict(),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async run({ grant_id, reason }, { audit }) {
    const result = await revokeGrant(grant_id, audit, reason);
    return {
      grant_id: result.grantId,
      user_id: result.userId,
      client_id: result.clientId,
      revoked: result.revoked,
      already_revoked: !result.revoked,
      revoked_at: result.revokedAt.toISOString(),
      access_tokens_revoked: result.accessTokens,
      refresh_tokens_revoked: result.refreshTokens,
      consent_withdrawn: result.consentsWithdrawn > 0,
    };
  },
});
