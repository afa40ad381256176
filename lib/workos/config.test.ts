import { describe, expect, it } from "vitest";
import { ConfigError, reloadEnv } from "@/lib/env";

const base = {
  NODE_ENV: "production" as const,
  PORTCULLIS_SECRET: "k9Qm2xV7pL4tR8wZ1cF6hJ3nB5sD0gY2aE7uI9oP",
  PORTCULLIS_BASE_URL: "https://portcullis.example.com",
};

function problems(source: Record<string, string>): string[] {
  try {
    reloadEnv({ ...base, ...source });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("WorkOS configuration", () => {
  it("builtin mode needs no WorkOS settings and keeps WorkOS off", () => {
    const config = reloadEnv(base);
    expect(config.issuerMode).toBe("builtin");
    expect(config.workos).toMatchObject({
      apiUrl: "https://api.workos.com",
      authkitDomain: undefined,
      consoleSignIn: false,
      scopeMode: "token",
      allowClientAudience: false,
    });
  });

  it("authkit mode needs the AuthKit domain, and says where to find it", () => {
    expect(problems({ PORTCULLIS_ISSUER_MODE: "authkit" })).toEqual([
      "WORKOS_AUTHKIT_DOMAIN is required with PORTCULLIS_ISSUER_MODE=authkit: your AuthKit domain, e.g. https://your-app.authkit.app (WorkOS dashboard → Domains)",
    ]);
  });

  it("authkit mode derives the issuer and JWKS URL from the domain", () => {
    const config = reloadEnv({ ...base, PORTCULLIS_ISSUER_MODE: "authkit", WORKOS_AUTHKIT_DOMAIN: "https://acme.authkit.app/" });
    expect(config.workos).toMatchObject({
      authkitDomain: "https://acme.authkit.app",
      authkitJwksUrl: "https://acme.authkit.app/oauth2/jwks",
    });
  });

  it("bridge mode needs the AuthKit domain and an API key, naming both at once", () => {
    expect(problems({ PORTCULLIS_ISSUER_MODE: "bridge" })).toEqual([
      "WORKOS_AUTHKIT_DOMAIN is required with PORTCULLIS_ISSUER_MODE=bridge: AuthKit issues the tokens /mcp accepts (WorkOS dashboard → Domains)",
      "WORKOS_API_KEY is required with PORTCULLIS_ISSUER_MODE=bridge: Portcullis completes each sign-in through the WorkOS API (WorkOS dashboard → API Keys)",
    ]);
    expect(
      problems({ PORTCULLIS_ISSUER_MODE: "bridge", WORKOS_AUTHKIT_DOMAIN: "https://acme.authkit.app", WORKOS_API_KEY: "sk_test_abc" }),
    ).toEqual([]);
  });

  it("console sign-in through WorkOS needs an API key and a client ID, and has a fixed redirect URI", () => {
    expect(problems({ WORKOS_CONSOLE_SIGN_IN: "true" })).toEqual([
      "WORKOS_API_KEY is required with WORKOS_CONSOLE_SIGN_IN=true: it authenticates the sign-in code exchange",
      "WORKOS_CLIENT_ID is required with WORKOS_CONSOLE_SIGN_IN=true: it names your WorkOS application",
    ]);
    const config = reloadEnv({ ...base, WORKOS_CONSOLE_SIGN_IN: "true", WORKOS_API_KEY: "sk_test_abc", WORKOS_CLIENT_ID: "client_123" });
    expect(config.workos.consoleRedirectUri).toBe("https://portcullis.example.com/auth/workos/callback");
  });

  it("catches an API key and a client ID pasted into each other's variable", () => {
    expect(problems({ WORKOS_API_KEY: "client_123", WORKOS_CLIENT_ID: "sk_test_abc" })).toEqual([
      "WORKOS_API_KEY: must be a WorkOS API key (it starts with sk_)",
      "WORKOS_CLIENT_ID: must be a WorkOS client ID (it starts with client_)",
    ]);
  });

  it("refuses an AuthKit domain with a path, and http outside localhost", () => {
    expect(problems({ PORTCULLIS_ISSUER_MODE: "authkit", WORKOS_AUTHKIT_DOMAIN: "https://acme.authkit.app/oauth2" })).toEqual([
      "WORKOS_AUTHKIT_DOMAIN must be an origin only (https://your-app.authkit.app), not https://acme.authkit.app/oauth2",
    ]);
    expect(problems({ PORTCULLIS_ISSUER_MODE: "authkit", WORKOS_AUTHKIT_DOMAIN: "http://acme.authkit.app" })).toEqual([
      "WORKOS_AUTHKIT_DOMAIN must use https outside localhost",
    ]);
    expect(problems({ WORKOS_API_URL: "http://api.workos.com" })).toEqual([
      "WORKOS_API_URL must use https outside localhost: the API key travels with every request",
    ]);
  });

  it("allows a local stand-in over http on localhost", () => {
    const config = reloadEnv({
      ...base,
      PORTCULLIS_ISSUER_MODE: "authkit",
      WORKOS_AUTHKIT_DOMAIN: "http://localhost:3611",
      WORKOS_API_URL: "http://localhost:3611",
    });
    expect(config.workos).toMatchObject({ authkitDomain: "http://localhost:3611", apiUrl: "http://localhost:3611" });
  });

  it("names a bad scope mode", () => {
    expect(problems({ WORKOS_AUTHKIT_SCOPES: "none" })[0]).toMatch(/^WORKOS_AUTHKIT_SCOPES:/);
  });
});
