import { topicVersion } from "@/lib/changes/change-versions";
import { processState } from "@/lib/process-state";
import type { AccessTokenClaims } from "@/lib/access-tokens/access-token-claims";
import { InvalidAccessToken, verifyAccessToken } from "@/lib/access-tokens/verify-access-token";

const MAX_ENTRIES = 10_000;
// The same skew verifyAccessToken allows on exp and nbf.
const CLOCK_SKEW_SECONDS = 5;

interface Verified {
  claims: AccessTokenClaims;
  keysVersion: number;
  /** The resource the token was verified for: a token for one resource is never taken from memory at another. */
  audience: string | undefined;
}

const cache = processState("mcp-verified-tokens", () => new Map<string, Verified>());

/**
 * verifyAccessToken, remembering tokens whose signature and claims already checked out: a client sends the same token
 * on every call until it expires, and an ES256 verification costs more than the rest of the decision. Only the exact
 * token string verified before is trusted; the time claims are checked again on every use, and a change of the signing
 * keys (a rotation, a key withdrawn) empties the memory. Revocation and policy are checked by the caller, every time.
 */
export async function verifyAccessTokenCached(token: string, now = Date.now(), audience?: string): Promise<AccessTokenClaims> {
  const keysVersion = topicVersion("keys");
  const hit = cache.get(token);
  if (hit && hit.keysVersion === keysVersion && hit.audience === audience) {
    const seconds = now / 1000;
    if (hit.claims.exp + CLOCK_SKEW_SECONDS <= seconds) {
      cache.delete(token);
      throw new InvalidAccessToken("token has expired");
    }
    if (hit.claims.nbf - CLOCK_SKEW_SECONDS <= seconds) {
      // Least recently used goes first: re-inserting moves this token to the end of the Map's order.
      cache.delete(token);
      cache.set(token, hit);
      return hit.claims;
    }
  }
  const claims = await verifyAccessToken(token, audience);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(token, { claims, keysVersion, audience });
  return claims;
}
