import { env } from "@/lib/env";

/**
 * The redirect back to the client (RFC 6749 §4.1.2 / §4.1.2.1): the registered URI with its own query kept (§3.1.2),
 * plus the code or error, `state` exactly as received, and `iss` (RFC 9207 §2) so the client can tell which
 * authorization server answered (mix-up defence).
 */
export function authorizationResponseUrl(
  redirectUri: string,
  result: { code: string } | { error: string; error_description?: string },
  state: string | undefined,
): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(result)) if (value !== undefined) url.searchParams.set(key, value);
  if (state !== undefined) url.searchParams.set("state", state);
  url.searchParams.set("iss", env().issuer);
  return url.href;
}
