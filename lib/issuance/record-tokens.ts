import type { Tx } from "@/lib/db/client";
import type { PreparedTokens } from "@/lib/issuance/prepare-tokens";

export interface IssuedTokens {
  accessToken: string;
  jti: string;
  expiresIn: number;
  scopes: string[];
  refreshToken?: string;
}

/**
 * Records prepared tokens under their grant in the caller's transaction — the access token by jti (reviewers list and
 * revoke it), the refresh token by hash only — and returns what the token response carries.
 */
export async function recordTokens(tx: Tx, prepared: PreparedTokens): Promise<IssuedTokens> {
  const { refresh, grantId } = prepared;
  await tx.accessToken.create({ data: accessTokenRow(prepared) });
  if (refresh) {
    await tx.refreshToken.create({ data: { tokenHash: refresh.hash, grantId, scopes: refresh.scopes, expiresAt: refresh.expiresAt } });
  }
  return issuedTokens(prepared);
}

/** The AccessToken row of a prepared token. */
export function accessTokenRow({ access, grantId, scopes }: PreparedTokens) {
  return { jti: access.jti, grantId, scopes, issuedAt: new Date(access.claims.iat * 1000), expiresAt: access.expiresAt };
}

/** What the token response carries for prepared (and recorded) tokens. */
export function issuedTokens({ access, refresh, scopes }: PreparedTokens): IssuedTokens {
  return {
    accessToken: access.token,
    jti: access.jti,
    expiresIn: access.claims.exp - access.claims.iat,
    scopes,
    ...(refresh ? { refreshToken: refresh.token } : {}),
  };
}
