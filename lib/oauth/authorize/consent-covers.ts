import type { Consent } from "@/lib/db/generated/client";

/**
 * Whether a remembered consent answers this request without asking: it was given for this redirect URI, and every
 * scope the code would carry was among the scopes the user approved. Anything else — another redirect URI, one more
 * scope, a consent from before redirect URIs were remembered — shows the consent screen again (RFC 6749 §10.2).
 */
export function consentCovers(consent: Pick<Consent, "scopes" | "redirectUri"> | null, redirectUri: string, scopes: readonly string[]): boolean {
  if (!consent || consent.redirectUri === null || consent.redirectUri !== redirectUri) return false;
  return scopes.length > 0 && scopes.every((s) => consent.scopes.includes(s));
}
