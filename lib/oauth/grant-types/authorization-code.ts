import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { AuditContext } from "@/lib/audit";
import type { Client } from "@/lib/clients/find-client";
import { db } from "@/lib/db/client";
import { consumeAndIssue } from "@/lib/issuance/consume-and-issue";
import { prepareTokens } from "@/lib/issuance/prepare-tokens";
import type { IssuedTokens } from "@/lib/issuance/record-tokens";
import { revokeForReuse } from "@/lib/grants/revoke-for-reuse";
import { GRANT_TYPES } from "@/lib/oauth/constants";
import { InvalidGrant, InvalidTarget } from "@/lib/oauth/errors";
import { currentUserScopes } from "@/lib/oauth/grant-types/current-user-scopes";
import { matchesResource } from "@/lib/oauth/resource";
import { intersectScopes } from "@/lib/oauth/scopes";
import { hashCredential } from "@/lib/oauth/secrets";
import type { TokenRequestOf } from "@/lib/oauth/token-endpoint/token-request-schema";

// RFC 7636 §4.1: 43–128 unreserved characters.
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) == code_challenge, compared in constant time. */
function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(verifier, "ascii").digest("base64url"));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/**
 * The authorization_code grant (OAuth 2.1 §4.1.3): checks in order — known code, issued to this client, same redirect
 * URI, PKCE verifier, not spent (a spent one revokes the grant issued from it), not expired, same resource — then
 * marks the code used and, in the same transaction, creates the grant and issues its tokens.
 */
export async function exchangeAuthorizationCode(
  params: TokenRequestOf<typeof GRANT_TYPES.authorizationCode>,
  client: Client,
  ctx: AuditContext,
): Promise<IssuedTokens> {
  const codeHash = hashCredential(params.code);
  const code = await db().authorizationCode.findUnique({ where: { codeHash } });
  const replayed = async (): Promise<never> => {
    await revokeForReuse({
      credential: "authorization code",
      grantId: async (tx) => (await tx.authorizationCode.findUnique({ where: { codeHash }, select: { grantId: true } }))?.grantId ?? null,
      clientId: code!.clientId,
      userId: code!.userId,
      ctx,
    });
    throw new InvalidGrant("The authorization code has already been used; the tokens issued from it are revoked.");
  };
  if (!code) throw new InvalidGrant("The authorization code is invalid.");
  if (code.clientId !== client.id) throw new InvalidGrant("The authorization code was issued to another client.");
  if (params.redirect_uri !== code.redirectUri) throw new InvalidGrant("redirect_uri does not match the one in the authorization request.");
  if (!VERIFIER.test(params.code_verifier)) throw new InvalidGrant("code_verifier is malformed (RFC 7636 §4.1).");
  if (!pkceMatches(params.code_verifier, code.codeChallenge)) throw new InvalidGrant("code_verifier does not match the code_challenge.");
  // Only after the client and its PKCE proof: a spent code presented by anyone else is refused and revokes nothing, or
  // whoever saw a used code (a log, a referrer, another client) could end the user's session at will.
  if (code.usedAt) return replayed();
  if (code.expiresAt.getTime() <= Date.now()) throw new InvalidGrant("The authorization code has expired.");
  if (params.resource !== undefined && !matchesResource(params.resource, code.resource)) {
    throw new InvalidTarget(`The code was issued for ${code.resource}.`);
  }
  // Policy may have narrowed since consent: a role removed a minute ago is not granted now.
  const scopes = intersectScopes(code.scopes, await currentUserScopes(code.userId), client.allowedScopes);
  if (scopes.length === 0) throw new InvalidGrant("None of the consented scopes is still available to this user and client.");

  const grantId = randomUUID();
  const withRefresh = client.grantTypes.includes(GRANT_TYPES.refreshToken);
  const prepared = await prepareTokens({
    grantId,
    subject: code.userId,
    clientId: client.id,
    scopes,
    resource: code.resource,
    refreshScopes: withRefresh ? scopes : undefined,
  });
  return consumeAndIssue({
    consume: async (tx) => (await tx.authorizationCode.updateMany({ where: { codeHash, usedAt: null }, data: { usedAt: new Date(), grantId } })).count === 1,
    grant: { create: { id: grantId, userId: code.userId, clientId: client.id, scopes, resource: code.resource, grantType: GRANT_TYPES.authorizationCode } },
    prepared,
    ctx,
    clientId: client.id,
    event: (issued) => ({
      kind: "token.issued",
      subject: code.userId,
      reason: `access token${withRefresh ? " and refresh token" : ""} issued to ${client.name} for an authorization code`,
      detail: { grantId, jti: issued.jti, grantType: GRANT_TYPES.authorizationCode, expiresIn: issued.expiresIn, resource: code.resource },
    }),
    spentMeanwhile: replayed,
  });
}

