import { decodeProtectedHeader, errors, jwtVerify, type JWTHeaderParameters } from "jose";
import { noteChanged } from "@/lib/changes/change-versions";
import { env } from "@/lib/env";
import { isAppError, isDatabaseUnavailable } from "@/lib/errors";
import { SIGNING_ALG } from "@/lib/keys/create-signing-key";
import { keyRing } from "@/lib/keys/key-ring";
import { processState } from "@/lib/process-state";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "@/lib/access-tokens/access-token-claims";

export class InvalidAccessToken extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = "InvalidAccessToken";
  }
}

const CLOCK_SKEW_SECONDS = 5;
const REQUIRED = ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope", "grant_id"] as const;
// An unknown kid may be a key another instance has just rotated in; look again, but at most once a second.
const refetch = processState("unknown-kid-refetch", () => ({ at: 0 }));

async function resolveKey(header: JWTHeaderParameters) {
  if (header.alg !== SIGNING_ALG) throw new InvalidAccessToken(`algorithm ${header.alg ?? "none"} is not accepted`);
  if (!header.kid) throw new InvalidAccessToken("token has no key id");
  let key = (await keyRing()).published.get(header.kid);
  if (!key && Date.now() - refetch.at > 1000) {
    refetch.at = Date.now();
    noteChanged(["keys"]);
    key = (await keyRing()).published.get(header.kid);
  }
  if (!key) throw new InvalidAccessToken("token was signed by an unknown key");
  return key.publicKey;
}

/**
 * Verifies an access token issued by this server: ES256 only (alg `none` and HMAC refused), a published key, our
 * issuer, audience = our MCP resource, `at+jwt`, and time claims within a small skew. Revocation is checked by the
 * caller against the in-memory revocation state.
 */
export async function verifyAccessToken(token: string, audience?: string): Promise<AccessTokenClaims> {
  const config = env();
  try {
    const { payload } = await jwtVerify(token, resolveKey, {
      algorithms: [SIGNING_ALG],
      issuer: config.issuer,
      audience: audience ?? config.mcpResource,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: [...REQUIRED],
    });
    if (typeof payload.scope !== "string" || typeof payload.client_id !== "string" || typeof payload.grant_id !== "string") {
      throw new InvalidAccessToken("token claims are malformed");
    }
    return payload as unknown as AccessTokenClaims;
  } catch (error) {
    if (error instanceof InvalidAccessToken) throw error;
    // The key ring could not be read: the token may be perfectly good. A 503 to retry, not a 401 that makes the client
    // throw its token away.
    if (isDatabaseUnavailable(error) || isAppError(error)) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidAccessToken("token has expired");
    if (error instanceof errors.JWTClaimValidationFailed) throw new InvalidAccessToken(`token ${error.claim} claim is invalid`);
    if (error instanceof errors.JWSSignatureVerificationFailed) throw new InvalidAccessToken("token signature is invalid");
    if (error instanceof errors.JOSEAlgNotAllowed) {
      throw new InvalidAccessToken(`algorithm ${String(decodeProtectedHeader(token).alg)} is not accepted`);
    }
    throw new InvalidAccessToken("token is malformed");
  }
}
