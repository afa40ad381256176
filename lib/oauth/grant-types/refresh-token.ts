import type { AuditContext } from "@/lib/audit";
import type { Client } from "@/lib/clients/find-client";
import { db } from "@/lib/db/client";
import { consumeAndIssue } from "@/lib/issuance/consume-and-issue";
import { prepareTokens } from "@/lib/issuance/prepare-tokens";
import type { IssuedTokens } from "@/lib/issuance/record-tokens";
import { revokeForReuse } from "@/lib/grants/revoke-for-reuse";
import { GRANT_TYPES } from "@/lib/oauth/constants";
import { InvalidGrant, InvalidScope, InvalidTarget } from "@/lib/oauth/errors";
import { currentUserScopes } from "@/lib/oauth/grant-types/current-user-scopes";
import { matchesResource } from "@/lib/oauth/resource";
import { intersectScopes, parseScopeParameter } from "@/lib/oauth/scopes";
import { hashCredential } from "@/lib/oauth/secrets";
import type { TokenRequestOf } from "@/lib/oauth/token-endpoint/token-request-schema";

/**
 * The refresh_token grant with rotation (OAuth 2.1 §4.3, §4.3.1): a refresh token works once. Presented again, it
 * means a copy exists — the whole grant family is revoked. Scope may only narrow (RFC 6749 §6); the new refresh token
 * keeps the original scope, the access token gets what is asked for and still allowed by current policy.
 */
export async function exchangeRefreshToken(
  params: TokenRequestOf<typeof GRANT_TYPES.refreshToken>,
  client: Client,
  ctx: AuditContext,
): Promise<IssuedTokens> {
  const tokenHash = hashCredential(params.refresh_token);
  const token = await db().refreshToken.findUnique({ where: { tokenHash }, include: { grant: true } });
  if (!token) throw new InvalidGrant("The refresh token is invalid.");
  const { grant } = token;
  const reused = async (): Promise<never> => {
    await revokeForReuse({ credential: "refresh token", grantId: async () => grant.id, clientId: grant.clientId, userId: grant.userId, ctx });
    throw new InvalidGrant("The refresh token has already been used; the whole grant is revoked.");
  };
  if (grant.clientId !== client.id) throw new InvalidGrant("The refresh token was issued to another client.");
  if (token.usedAt) return reused();
  if (token.revokedAt || grant.revokedAt) throw new InvalidGrant("The refresh token has been revoked.");
  if (token.expiresAt.getTime() <= Date.now()) throw new InvalidGrant("The refresh token has expired.");
  const requested = parseScopeParameter(params.scope);
  const escalation = requested.filter((s) => !token.scopes.includes(s));
  if (escalation.length > 0) throw new InvalidScope(`A refresh cannot add scopes that were not granted: ${escalation.join(", ")}.`);
  if (params.resource !== undefined && !matchesResource(params.resource, grant.resource)) {
    throw new InvalidTarget(`This grant is for ${grant.resource}.`);
  }
  const scopes = intersectScopes(requested.length > 0 ? requested : token.scopes, await currentUserScopes(grant.userId), client.allowedScopes);
  if (scopes.length === 0) throw new InvalidGrant("None of the granted scopes is still available to this user and client.");

  const prepared = await prepareTokens({
    grantId: grant.id,
    subject: grant.userId,
    clientId: client.id,
    scopes,
    resource: grant.resource,
    refreshScopes: token.scopes,
  });
  return consumeAndIssue({
    consume: async (tx) => (await tx.refreshToken.updateMany({ where: { tokenHash, usedAt: null, revokedAt: null }, data: { usedAt: new Date() } })).count === 1,
    grant: { existing: grant.id },
    prepared,
    ctx,
    clientId: client.id,
    event: (issued) => ({
      kind: "token.refreshed",
      subject: grant.userId,
      reason: `refresh token rotated for ${client.name}; new access token issued`,
      detail: { grantId: grant.id, jti: issued.jti, expiresIn: issued.expiresIn, narrowed: scopes.length < token.scopes.length },
    }),
    // Lost a race with a concurrent use of the same token: that is reuse too (unless it was revoked meanwhile).
    spentMeanwhile: async () => {
      const fresh = await db().refreshToken.findUnique({ where: { tokenHash }, select: { usedAt: true } });
      if (fresh?.usedAt) return reused();
      throw new InvalidGrant("The refresh token has been revoked.");
    },
  });
}
