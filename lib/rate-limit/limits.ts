import { env } from "@/lib/env";
import type { LimitRule } from "@/lib/rate-limit/hit-rate-limit";

const MINUTE = 60;

/**
 * Every rate limit of the product, in one place. Per-address limits are keyed by `addressBucket` (IPv4 /32, IPv6 /64);
 * all are counted in the shared database before the work they guard. Summarised limits write one `throttle.summary`
 * audit event per key and window instead of one event per refused request.
 */
export const LIMITS = {
  /** Console sign-in attempts from one address bucket, whatever the account (password spraying). */
  signInAddress: { name: "sign-in.address", limit: 30, windowSeconds: 15 * MINUTE, sliding: true, summarize: true },
  /**
   * Attempts on one account from one address bucket. Sliding, like the per-address limit: a clock-aligned window would
   * hand a guesser five more tries the moment it turned.
   */
  signInAccountAddress: { name: "sign-in.account-address", limit: 5, windowSeconds: 15 * MINUTE, sliding: true, summarize: true },
  /**
   * Attempts on one account from every address together (a botnet on one password). A fixed window, so a lockout
   * ends at the window's end whatever an attacker keeps sending; and an address the account signed in from before
   * is not held to it (see verify-login.ts), so an attacker cannot lock the owner out.
   */
  signInAccount: { name: "sign-in.account", limit: 20, windowSeconds: 15 * MINUTE, summarize: true },
  /** Refused requests at /mcp from one address bucket, past which it is answered 429. */
  mcpRefusalsAddress: { name: "mcp.refusals.address", limit: 120, windowSeconds: MINUTE, summarize: true },
  /** Device authorization requests from one address bucket, and for one client (RFC 8628 §5.2). */
  deviceAuthorizationAddress: { name: "device-authorization.address", limit: 20, windowSeconds: 10 * MINUTE, summarize: true },
  deviceAuthorizationClient: { name: "device-authorization.client", limit: 300, windowSeconds: 10 * MINUTE, summarize: true },
  /** User codes one signed-in user may look up or answer (RFC 8628 §5.1: the code space must not be searchable). */
  deviceUserCode: { name: "device.user-code", limit: 20, windowSeconds: 10 * MINUTE, summarize: true },
  /** The bridge's public Login URI, per address bucket. */
  bridgeLoginAddress: { name: "bridge.login.address", limit: 30, windowSeconds: MINUTE, summarize: true },
  /** Current-password checks when a signed-in user changes their password: a session in the wrong hands is no oracle. */
  passwordChangeUser: { name: "password-change.user", limit: 5, windowSeconds: 15 * MINUTE, sliding: true, summarize: true },
  /** Failed client authentications recorded one by one per address bucket; past it, one summary per window. */
  clientAuthenticationAudited: { name: "client-authentication.audited", limit: 60, windowSeconds: MINUTE, summarize: true },
  /** AuthKit clients created on first sight, across the deployment (each one joins the review queue). */
  authkitFirstSight: { name: "authkit.first-sight", limit: 60, windowSeconds: MINUTE, summarize: true },
} satisfies Record<string, LimitRule>;

/** Refusals at /mcp recorded one by one in a minute, across every address; past it they are summarised. */
export function mcpRefusalsRecorded(): LimitRule {
  return { name: "mcp.refusals.recorded", limit: env().refusalAuditPerMinute, windowSeconds: MINUTE, summarize: true };
}

/** Fetches of one metadata document, across every instance. */
export function metadataDocumentFetches(): LimitRule {
  return { name: "cimd.fetch", limit: env().cimdFetchLimit, windowSeconds: 10 * MINUTE };
}

/** Dynamic registrations per address bucket, as the registration policy sets them. */
export function registrationsPerAddress(max: number, windowSeconds: number): LimitRule {
  return { name: `registration.address.${windowSeconds}`, limit: max, windowSeconds, summarize: true };
}
