import { CREDENTIAL_PREFIX, generateCredential, hashCredential } from "@/lib/oauth/secrets";
import { tokenLifetimes } from "@/lib/settings/token-lifetimes";
import { mintAccessToken, type MintedAccessToken } from "@/lib/access-tokens/mint-access-token";

export interface PreparedTokens {
  grantId: string;
  access: MintedAccessToken;
  scopes: string[];
  refresh?: { token: string; hash: string; scopes: string[]; expiresAt: Date };
}

/**
 * Mints an access token (and, with `refreshScopes`, a refresh token) for a grant, before any transaction opens:
 * signing may need to load the key ring from the database, which must never wait inside a transaction (the embedded
 * database serves one connection at a time). Nothing minted here is valid until `recordTokens` commits it — and a
 * token whose transaction fails is simply never handed out. Lifetimes are the console's settings (cached in memory).
 */
export async function prepareTokens(input: {
  grantId: string;
  subject: string;
  clientId: string;
  scopes: string[];
  resource: string;
  refreshScopes?: string[];
}): Promise<PreparedTokens> {
  const lifetimes = await tokenLifetimes();
  const access = await mintAccessToken({
    subject: input.subject,
    clientId: input.clientId,
    scopes: input.scopes,
    grantId: input.grantId,
    resource: input.resource,
    ttlSeconds: lifetimes.accessTokenSeconds,
  });
  const prepared: PreparedTokens = { grantId: input.grantId, access, scopes: input.scopes };
  if (input.refreshScopes) {
    const token = generateCredential(CREDENTIAL_PREFIX.refreshToken);
    prepared.refresh = {
      token,
      hash: hashCredential(token),
      scopes: input.refreshScopes,
      expiresAt: new Date(Date.now() + lifetimes.refreshTokenSeconds * 1000),
    };
  }
  return prepared;
}
