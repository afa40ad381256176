import { processState } from "@/lib/process-state";

/**
 * Fixed-window counters in memory, per process. Good enough to blunt guessing and floods from one instance; with
 * several instances each enforces its own window (the effective limit is per instance).
 */
export interface RateLimit {
  /** Counts one hit; returns the seconds to wait if the key is over its limit, else 0. */
  hit(key: string): number;
  /** Seconds to wait if the key has used up its limit, without counting. */
  check(key: string): number;
  reset(key: string): void;
}

export function rateLimit(name: string, limit: number, windowSeconds: number): RateLimit {
  const windows = processState(`rate-limit.${name}`, () => new Map<string, { start: number; count: number }>());
  const windowMs = windowSeconds * 1000;
  const current = (key: string, now: number) => {
    const entry = windows.get(key);
    if (entry && now - entry.start < windowMs) return entry;
    if (windows.size > 100_000) {
      for (const [k, v] of windows) if (now - v.start >= windowMs) windows.delete(k);
    }
    const fresh = { start: now, count: 0 };
    windows.set(key, fresh);
    return fresh;
  };
  const wait = (entry: { start: number; count: number }, now: number, allowed: number) =>
    entry.count > allowed ? Math.ceil((entry.start + windowMs - now) / 1000) : 0;
  return {
    hit(key) {
      const now = Date.now();
      const entry = current(key, now);
      entry.count += 1;
      return wait(entry, now, limit);
    },
    check(key) {
      const now = Date.now();
      // Spent: the next hit would be over the limit.
      return wait(current(key, now), now, limit - 1);
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
