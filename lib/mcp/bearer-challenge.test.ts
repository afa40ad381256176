import { extractWWWAuthenticateParams } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { bearerChallenge } from "@/lib/mcp/bearer-challenge";

const METADATA = "http://localhost:3999/.well-known/oauth-protected-resource/mcp";

describe("bearerChallenge", () => {
  it("has no error code when no credentials were sent (RFC 6750 §3.1)", () => {
    expect(bearerChallenge({ scopes: ["a:read", "b:read"] })).toBe(`Bearer scope="a:read b:read", resource_metadata="${METADATA}"`);
  });

  it("keeps error_description to the characters RFC 6750 allows", () => {
    const header = bearerChallenge({ error: "invalid_token", description: 'user "bob" → \\ disabled' });
    expect(header).toBe(`Bearer error="invalid_token", resource_metadata="${METADATA}", error_description="user bob   disabled"`);
  });

  it("cannot be misread by a client scanning for scope= or error= inside the description", () => {
    const header = bearerChallenge({ error: "insufficient_scope", scopes: ["x:write"], description: "need scope=admin error=none" });
    const response = new Response(null, { headers: { "WWW-Authenticate": header } });
    expect(extractWWWAuthenticateParams(response)).toMatchObject({ scope: "x:write", error: "insufficient_scope" });
    expect(header).toContain('error_description="need scope =admin error =none"');
  });
});
