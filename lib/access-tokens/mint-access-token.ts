import { randomUUID } from "node:crypto";
import { env } from "@/lib/env";
import { SIGNING_ALG } from "@/lib/keys/create-signing-key";
import { keyRing } from "@/lib/keys/key-ring";
import { signEs256Jws } from "@/lib/keys/sign-es256-jws";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "@/lib/access-tokens/access-token-claims";

export interface MintedAccessToken {
  token: string;
  jti: string;
  claims: AccessTokenClaims;
  expiresAt: Date;
}

export async function mintAccessToken(input: {
  subject: string;
  clientId: string;
  scopes: readonly string[];
  grantId: string;
  resource?: string;
  ttlSeconds?: number;
  now?: Date;
}): Promise<MintedAccessToken> {
  const config = env();
  const ring = await keyRing();
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const claims: AccessTokenClaims = {
    iss: config.issuer,
    sub: input.subject,
    aud: input.resource ?? config.mcpResource,
    iat,
    nbf: iat,
    exp: iat + (input.ttlSeconds ?? config.accessTokenTtl),
    jti: randomUUID(),
    client_id: input.clientId,
    scope: [...input.scopes].join(" "),
    grant_id: input.grantId,
  };
  const token = signEs256Jws({ alg: SIGNING_ALG, kid: ring.active.kid, typ: ACCESS_TOKEN_TYPE }, claims, ring.active.privateKey);
  return { token, jti: claims.jti, claims, expiresAt: new Date(claims.exp * 1000) };
}
