import type { Tx } from "@/lib/db/client";
import { env } from "@/lib/env";
import { CREDENTIAL_PREFIX, generateCredential, hashCredential } from "@/lib/oauth/secrets";
import { mintAccessToken } from "@/lib/tokens/mint-access-token";

export interface IssuedTokens {
  accessToken: string;
  jti: string;
  expiresIn: number;
  scopes: string[];
  refreshToken?: string;
}

/**
 * Mints an access token under a grant and records it by jti; with `refreshScopes`, also a refresh token (stored as a
 * hash only). Runs in the caller's transaction so the tokens exist exactly when the grant change and its audit do.
 */
export async function issueTokens(
  tx: Tx,
  input: { grantId: string; subject: string; clientId: string; scopes: string[]; resource: string; refreshScopes?: string[] },
): Promise<IssuedTokens> {
  const config = env();
  const minted = await mintAccessToken({ subject: input.subject, clientId: input.clientId, scopes: input.scopes, grantId: input.grantId, resource: input.resource });
  await tx.accessToken.create({
    data: { jti: minted.jti, grantId: input.grantId, scopes: input.scopes, issuedAt: new Date(minted.claims.iat * 1000), expiresAt: minted.expiresAt },
  });
  const issued: IssuedTokens = { accessToken: minted.token, jti: minted.jti, expiresIn: minted.claims.exp - minted.claims.iat, scopes: input.scopes };
  if (input.refreshScopes) {
    const refreshToken = generateCredential(CREDENTIAL_PREFIX.refreshToken);
    await tx.refreshToken.create({
      data: {
        tokenHash: hashCredential(refreshToken),
        grantId: input.grantId,
        scopes: input.refreshScopes,
        expiresAt: new Date(Date.now() + config.refreshTokenTtl * 1000),
      },
    });
    issued.refreshToken = refreshToken;
  }
  return issued;
}
