import { rateLimit } from "@/lib/rate-limit";

/** Refusals recorded one by one, per client address and minute, before the address is throttled. */
export const REFUSALS_PER_MINUTE = 120;

export type RefusalThrottle = { throttled: false } | { throttled: true; retryAfter: number; firstInWindow: boolean };

/**
 * Every refused request (no token, a bad token, a foreign origin) is an audit write, and it costs the sender nothing:
 * without a bound, anyone could grow the audit log at will. Past the bound an address gets 429 and the log gets one
 * event saying so per minute, instead of one per request. Callers with a valid token are never counted here.
 */
export function throttleRefusal(ip: string | null): RefusalThrottle {
  // Without the address our server resolves, there is nothing to count by (the app is not behind server.ts).
  if (!ip) return { throttled: false };
  const wait = refusals().hit(ip);
  if (wait === 0) return { throttled: false };
  return { throttled: true, retryAfter: wait, firstInWindow: noted().hit(ip) === 0 };
}

const refusals = () => rateLimit("mcp-refusals", REFUSALS_PER_MINUTE, 60);
const noted = () => rateLimit("mcp-refusals-noted", 1, 60);
