import { afterEach, describe, expect, it, vi } from "vitest";
import { rateLimit } from "@/lib/rate-limit";

afterEach(() => vi.useRealTimers());

describe("rateLimit", () => {
  it("allows the limit, refuses the next, and reopens with the window", () => {
    vi.useFakeTimers();
    const limiter = rateLimit(`test-${Math.random()}`, 3, 60);
    expect([limiter.hit("a"), limiter.hit("a"), limiter.hit("a")]).toEqual([0, 0, 0]);
    expect(limiter.check("a")).toBe(60);
    expect(limiter.hit("a")).toBe(60);
    expect(limiter.hit("b")).toBe(0);
    vi.advanceTimersByTime(30_000);
    expect(limiter.check("a")).toBe(30);
    vi.advanceTimersByTime(30_000);
    expect(limiter.check("a")).toBe(0);
    expect(limiter.hit("a")).toBe(0);
  });

  it("forgets a key on reset", () => {
    const limiter = rateLimit(`test-${Math.random()}`, 1, 60);
    limiter.hit("a");
    expect(limiter.check("a")).toBeGreaterThan(0);
    limiter.reset("a");
    expect(limiter.check("a")).toBe(0);
  });
});
