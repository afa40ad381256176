import type { AccessTokenClaims } from "@/lib/tokens/access-token-claims";

/** Who is calling /mcp: established from a verified, unrevoked access token on every request. */
export interface McpCaller {
  token: string;
  claims: AccessTokenClaims;
  userId: string;
  clientId: string;
  grantId: string;
  jti: string;
  /** The scopes the token carries (RFC 6749 §3.3, space-separated in the `scope` claim). */
  scopes: string[];
  /** Seconds since the epoch. */
  expiresAt: number;
}

export function callerFromClaims(token: string, claims: AccessTokenClaims): McpCaller {
  return {
    token,
    claims,
    userId: claims.sub,
    clientId: claims.client_id,
    grantId: claims.grant_id,
    jti: claims.jti,
    scopes: claims.scope.split(" ").filter(Boolean),
    expiresAt: claims.exp,
  };
}
