import { describe, expect, it } from "vitest";
import { matchAutoApproveRule } from "@/lib/clients/match-auto-approve-rule";
import { consentToken, consentTokenValid } from "@/lib/oauth/authorize/consent-token";
import { grantableScopes } from "@/lib/oauth/authorize/grantable-scopes";
import { matchesResource } from "@/lib/oauth/resource";
import { intersectScopes, parseScopeParameter } from "@/lib/oauth/scopes";
import { credentialMatches, generateCredential, hashCredential } from "@/lib/oauth/secrets";
import { snapshotOf } from "@/test/support/policy";

describe("resource indicators (RFC 8707)", () => {
  const ours = "http://localhost:3999/mcp";
  it.each([
    ["http://localhost:3999/mcp", true],
    ["HTTP://LOCALHOST:3999/mcp", true],
    ["http://localhost:3999/mcp/", false],
    ["http://localhost:3999/MCP", false],
    ["http://localhost:3999/mcp?x=1", false],
    ["http://localhost:3999/mcp#f", false],
    ["http://localhost:3998/mcp", false],
    ["https://localhost:3999/mcp", false],
    ["http://evil@localhost:3999/mcp", false],
    ["http://localhost:3999", false],
    ["/mcp", false],
  ])("%s → %s", (value, expected) => {
    expect(matchesResource(value, ours)).toBe(expected);
  });
});

describe("scope parameter (RFC 6749 §3.3)", () => {
  it("splits on spaces, drops duplicates, refuses malformed tokens", () => {
    expect(parseScopeParameter("a:read  b:write a:read")).toEqual(["a:read", "b:write"]);
    expect(parseScopeParameter(undefined)).toEqual([]);
    expect(() => parseScopeParameter('bad"quote')).toThrow("malformed");
    expect(() => parseScopeParameter("tab\there")).toThrow("malformed");
    expect(intersectScopes(["a", "b", "c"], ["a", "c"], new Set(["c", "a", "z"]))).toEqual(["a", "c"]);
  });
});

describe("grantable scopes = requested ∩ user's roles ∩ client allow-list", () => {
  it("says why each refused scope is refused", () => {
    const snapshot = snapshotOf({ roles: { reader: { scopes: ["clients:read", "policy:read"] } }, users: { alice: { roles: ["reader"] } } });
    expect(grantableScopes(snapshot, "alice", ["clients:read", "audit:read"], ["clients:read", "policy:read", "audit:read"])).toEqual({
      grantable: ["clients:read"],
      unavailable: [
        { scope: "policy:read", why: "client_not_allowed" },
        { scope: "audit:read", why: "user_lacks" },
      ],
    });
  });
});

describe("auto-approve rules", () => {
  const rules = [
    { kind: "cimd_domain" as const, domain: "trusted.example" },
    { kind: "redirect_host" as const, host: "app.internal.example" },
  ];
  it("matches metadata documents on a trusted domain or subdomain only", () => {
    expect(matchAutoApproveRule({ source: "cimd", id: "https://trusted.example/c.json", redirectUris: [] }, rules)).toBe(rules[0]);
    expect(matchAutoApproveRule({ source: "cimd", id: "https://a.trusted.example/c.json", redirectUris: [] }, rules)).toBe(rules[0]);
    expect(matchAutoApproveRule({ source: "cimd", id: "https://eviltrusted.example/c.json", redirectUris: [] }, rules)).toBeNull();
    expect(matchAutoApproveRule({ source: "dcr", id: "pcl_x", redirectUris: ["https://trusted.example/cb"] }, rules)).toBeNull();
  });
  it("matches redirect hosts only when every redirect URI is on the host", () => {
    expect(matchAutoApproveRule({ source: "dcr", id: "pcl_x", redirectUris: ["https://app.internal.example/cb"] }, rules)).toBe(rules[1]);
    expect(matchAutoApproveRule({ source: "dcr", id: "pcl_x", redirectUris: ["https://app.internal.example/cb", "http://127.0.0.1:1/cb"] }, rules)).toBeNull();
    expect(matchAutoApproveRule({ source: "dcr", id: "pcl_x", redirectUris: [] }, rules)).toBeNull();
  });
});

describe("credentials", () => {
  it("are prefixed, random, and compared by hash", () => {
    const secret = generateCredential("pcs_");
    expect(secret).toMatch(/^pcs_[A-Za-z0-9_-]{43}$/);
    expect(generateCredential("pcs_")).not.toBe(secret);
    expect(credentialMatches(secret, hashCredential(secret))).toBe(true);
    expect(credentialMatches(`${secret}x`, hashCredential(secret))).toBe(false);
    expect(credentialMatches(secret, null)).toBe(false);
    expect(credentialMatches(secret, "not-a-hash")).toBe(false);
  });

  it("consent tokens are bound to the user and the request", () => {
    const params = { client_id: "c", redirect_uri: "http://127.0.0.1/cb", code_challenge: "x", state: "s" };
    const token = consentToken("user-1", params);
    expect(consentTokenValid(token, "user-1", params)).toBe(true);
    expect(consentTokenValid(token, "user-2", params)).toBe(false);
    expect(consentTokenValid(token, "user-1", { ...params, scope: "clients:write" })).toBe(false);
    expect(consentTokenValid(undefined, "user-1", params)).toBe(false);
    expect(consentTokenValid("AAAA", "user-1", params)).toBe(false);
  });
});
