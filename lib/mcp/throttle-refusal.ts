import { isDatabaseUnavailable } from "@/lib/errors";
import { addressBucket, hitRateLimit, LIMITS, mcpRefusalsRecorded } from "@/lib/rate-limit";

/** Refusals recorded one by one, per client address bucket and minute, before the address is throttled. */
export const REFUSALS_PER_MINUTE = LIMITS.mcpRefusalsAddress.limit;

export type RefusalThrottle =
  | {
      throttled: false;
      /** Record this refusal as its own event (false past the deployment-wide bound: it is summarised instead). */
      record: boolean;
      /** The first refusal past the deployment-wide bound in this minute: recorded, and says the rest are summarised. */
      firstSummarised: boolean;
    }
  | { throttled: true; retryAfter: number; firstInWindow: boolean };

/**
 * Every refused request (no token, a bad token, a foreign origin) is an audit write, and it costs the sender nothing:
 * without a bound, anyone could grow the audit log at will. Two bounds, counted in the shared database before anything
 * is written: past 120 refusals a minute, an address bucket (IPv4 address, IPv6 /64) gets 429; and past a
 * deployment-wide number of refusals a minute — a flood from many addresses — refusals are still answered as usual
 * but no longer recorded one by one. Either way the first refusal past a bound is recorded at once and the rest as
 * one `throttle.summary` event when the minute closes. Callers with a valid token are never counted here.
 */
export async function throttleRefusal(ip: string | null): Promise<RefusalThrottle> {
  try {
    return await countRefusal(ip);
  } catch (error) {
    // The request is refused either way: with the database unreachable it is answered as it stands (and its record
    // fails and is logged), not turned into a 503.
    if (isDatabaseUnavailable(error)) return { throttled: false, record: true, firstSummarised: false };
    throw error;
  }
}

async function countRefusal(ip: string | null): Promise<RefusalThrottle> {
  // Without the address our server resolves, there is no address to count by (the app is not behind server.ts).
  if (ip) {
    const perAddress = await hitRateLimit(LIMITS.mcpRefusalsAddress, addressBucket(ip));
    if (!perAddress.allowed) return { throttled: true, retryAfter: perAddress.retryAfter, firstInWindow: perAddress.firstRefusal };
  }
  const recorded = await hitRateLimit(mcpRefusalsRecorded(), "all");
  return { throttled: false, record: recorded.allowed || recorded.firstRefusal, firstSummarised: recorded.firstRefusal };
}
