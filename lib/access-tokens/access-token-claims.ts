/**
 * Access tokens are JWTs (RFC 9068 profile, `typ: at+jwt`), signed ES256:
 * `iss sub aud exp iat nbf jti client_id scope` plus `grant_id`, the grant the token was issued under, so
 * revocation of a grant can be checked in memory without a database read.
 */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  /** The resource (RFC 8707): this server's MCP endpoint. */
  aud: string;
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  client_id: string;
  /** Space-separated scopes (RFC 6749 §3.3). */
  scope: string;
  grant_id: string;
}

export const ACCESS_TOKEN_TYPE = "at+jwt";
