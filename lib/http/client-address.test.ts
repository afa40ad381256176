import { describe, expect, it } from "vitest";
import { resolveClientIp } from "@/lib/http/client-address";

describe("resolveClientIp", () => {
  it("uses the socket peer and ignores X-Forwarded-For from an untrusted peer", () => {
    expect(resolveClientIp("203.0.113.9", "10.0.0.1", [])).toBe("203.0.113.9");
  });

  it("unwraps IPv4-mapped IPv6 addresses", () => {
    expect(resolveClientIp("::ffff:127.0.0.1", undefined, [])).toBe("127.0.0.1");
  });

  it("believes X-Forwarded-For only up to the first untrusted hop", () => {
    const trusted = ["10.0.0.2", "10.0.0.3"];
    // client spoofs 1.1.1.1; the real client is 198.51.100.7; two trusted proxies appended after it.
    expect(resolveClientIp("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.3", trusted)).toBe("198.51.100.7");
  });

  it("ignores garbage hops", () => {
    expect(resolveClientIp("10.0.0.2", "evil, not-an-ip", ["10.0.0.2"])).toBe("10.0.0.2");
  });

  it("returns null without a socket address", () => {
    expect(resolveClientIp(undefined, "1.2.3.4", [])).toBeNull();
  });
});
