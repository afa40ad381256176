import { createRemoteJWKSet, type RemoteJWKSet } from "jose";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { processState } from "@/lib/process-state";

export interface JwksCacheOptions {
  /** After a fetch, an unknown `kid` triggers no new fetch for this long: a flood of forged kids cannot hammer AuthKit. */
  cooldownMs?: number;
  /** Keys are refetched at least this often, so a key AuthKit withdrew stops being trusted. */
  maxAgeMs?: number;
  timeoutMs?: number;
}

const DEFAULTS: Required<JwksCacheOptions> = { cooldownMs: 30_000, maxAgeMs: 10 * 60_000, timeoutMs: 5_000 };
const sets = processState("authkit-jwks", () => new Map<string, RemoteJWKSet>());

/**
 * AuthKit's signing keys (`<authkit domain>/oauth2/jwks`), cached in memory once per process. jose refetches on an
 * unknown `kid` (key rotation) at most once per cooldown, and whenever the cached set is older than its maximum age.
 */
export function authkitJwks(options: JwksCacheOptions & { url?: string } = {}): RemoteJWKSet {
  const url = options.url ?? env().workos.authkitJwksUrl;
  if (!url) throw new AppError("unavailable", "AuthKit is not configured: set WORKOS_AUTHKIT_DOMAIN.");
  const settings = { ...DEFAULTS, ...options };
  const key = `${url}|${settings.cooldownMs}|${settings.maxAgeMs}|${settings.timeoutMs}`;
  let set = sets.get(key);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), {
      cooldownDuration: settings.cooldownMs,
      cacheMaxAge: settings.maxAgeMs,
      timeoutDuration: settings.timeoutMs,
    });
    sets.set(key, set);
  }
  return set;
}
