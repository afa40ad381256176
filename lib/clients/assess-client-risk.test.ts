import { describe, expect, it } from "vitest";
import { assessClientRisk, isWriteScope } from "@/lib/clients/assess-client-risk";

const base = { id: "c1", source: "dcr" as const, grantTypes: ["authorization_code"], requestedScopes: ["clients:read"], lookAlikes: [] };

describe("assessClientRisk", () => {
  it("rates a loopback redirect mixed with an unrelated web host high, and says so in the summary", () => {
    const risk = assessClientRisk({ ...base, redirectUris: ["http://127.0.0.1:33418/cb", "https://collect.evil.example/cb"] });
    expect(risk.rating).toBe("high");
    expect(risk.flags.map((f) => f.code)).toContain("loopback_mixed_with_web_host");
    expect(risk.summary).toMatch(/^High risk: loopback redirect mixed with web host collect\.evil\.example/);
  });

  it("does not flag a loopback redirect next to the client's own website", () => {
    const risk = assessClientRisk({ ...base, clientUri: "https://tool.example.com", redirectUris: ["http://127.0.0.1/cb", "https://app.tool.example.com/cb"] });
    expect(risk.flags.map((f) => f.code)).not.toContain("loopback_mixed_with_web_host");
  });

  it("flags write scopes requested and look-alikes as medium, naming them", () => {
    const risk = assessClientRisk({ ...base, redirectUris: ["https://app.example.com/cb"], requestedScopes: ["clients:read", "clients:write", "tokens:revoke"], lookAlikes: ["Cursor"] });
    expect(risk.rating).toBe("medium");
    expect(risk.summary).toBe("Medium risk: asks for write scopes (clients:write, tokens:revoke); 1 look-alike registration.");
  });

  it("gives one wording for a clean client", () => {
    const risk = assessClientRisk({ ...base, redirectUris: ["https://app.example.com/cb"] });
    expect(risk).toMatchObject({ rating: null, flags: [] });
    expect(risk.summary).toMatch(/^No risk flags/);
  });

  it("reads write scopes from the scope's action", () => {
    expect(["clients:write", "settings:write", "tokens:revoke", "files:delete", "repo:admin"].every(isWriteScope)).toBe(true);
    expect(["clients:read", "grants:own", "account:read", "writer:read"].some(isWriteScope)).toBe(false);
  });
});
