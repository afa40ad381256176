import { describe, expect, it } from "vitest";
import { redirectUriProblem } from "@/lib/clients/validate-redirect-uri";
import { DEFAULT_REGISTRATION_POLICY } from "@/lib/settings/registration-policy";

const open = DEFAULT_REGISTRATION_POLICY.redirectUris;

describe("redirect URI rules", () => {
  it.each([
    "https://app.example.com/callback",
    "https://app.example.com:8443/cb?x=1",
    "http://127.0.0.1:33418/callback",
    "http://localhost:3000/callback",
    "http://[::1]:8080/cb",
  ])("accepts %s", (uri) => {
    expect(redirectUriProblem(uri, open)).toBeNull();
  });

  it.each([
    ["http://app.example.com/callback", "must use https (http is allowed only on a loopback host)"],
    ["https://app.example.com/cb#frag", "must not contain a fragment"],
    ["https://app.example.com/cb#", "must not contain a fragment"],
    ["javascript:alert(1)", "uses the javascript scheme; only https (or http on loopback) is allowed"],
    ["data:text/html,hi", "uses the data scheme; only https (or http on loopback) is allowed"],
    ["file:///etc/passwd", "uses the file scheme; only https (or http on loopback) is allowed"],
    ["cursor://callback", "uses the cursor scheme; only https (or http on loopback) is allowed"],
    ["https://trusted.example@evil.example/cb", "must not contain userinfo"],
    ["/relative/callback", "is not an absolute URI"],
    ["https://app.example.com/ cb", "contains whitespace, control characters or backslashes"],
    ["https://*.example.com/cb", "must not contain wildcards"],
    ["http://127.0.0.1.evil.example/cb", "must use https (http is allowed only on a loopback host)"],
  ])("refuses %s", (uri, why) => {
    expect(redirectUriProblem(uri, open)).toBe(why);
  });

  it("applies the policy's host allow and deny lists and the loopback switch", () => {
    const policy = { allowedHosts: ["example.com"], deniedHosts: ["bad.example.com"], allowLoopback: false };
    expect(redirectUriProblem("https://app.example.com/cb", policy)).toBeNull();
    expect(redirectUriProblem("https://bad.example.com/cb", policy)).toBe("is on bad.example.com, which the registration policy denies");
    expect(redirectUriProblem("https://example.org/cb", policy)).toBe("is on example.org, which is not among the registration policy's allowed hosts");
    expect(redirectUriProblem("http://127.0.0.1:9/cb", policy)).toBe("uses a loopback host, which the registration policy does not allow");
  });
});
