import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authkitJwks } from "@/lib/workos/authkit-jwks";
import { startWorkosStandin, type WorkosStandin } from "@/test/support/workos-standin";
import { verifyAuthkitToken } from "@/lib/workos/verify-authkit-token";

const RESOURCE = "http://localhost:3999/mcp";
let standin: WorkosStandin;

beforeAll(async () => {
  standin = await startWorkosStandin();
});
afterAll(() => standin.close());

function verify(token: string, extra: { allowClientAudience?: boolean; cooldownMs?: number; url?: string } = {}) {
  return verifyAuthkitToken(token, {
    issuer: standin.origin,
    audience: RESOURCE,
    allowClientAudience: extra.allowClientAudience ?? false,
    jwks: authkitJwks({ url: extra.url ?? `${standin.origin}/oauth2/jwks`, cooldownMs: extra.cooldownMs ?? 30_000 }),
  });
}

const claims = { sub: "user_01ALICE", aud: RESOURCE, client_id: "client_01CURSOR" };

describe("verifyAuthkitToken", () => {
  it("accepts an AuthKit token for this resource and normalises the caller", async () => {
    const token = await standin.mintAccessToken({
      ...claims,
      scope: "openid clients:read clients:read",
      org_id: "org_01ACME",
      role: "admin",
      roles: ["admin", "member"],
      permissions: ["clients:approve"],
    });
    const caller = await verify(token);
    expect(caller).toMatchObject({
      subject: "user_01ALICE",
      clientId: "client_01CURSOR",
      scopes: ["openid", "clients:read"],
      externalRoles: ["admin", "member"],
      permissions: ["clients:approve"],
      organizationId: "org_01ACME",
    });
    expect(caller.jti).toMatch(/^[0-9A-F]{26}$/);
    expect(caller.sessionId).toMatch(/^session_/);
  });

  it("reads the client from azp, and scopes from an scp array", async () => {
    const token = await standin.mintAccessToken({ sub: "user_01ALICE", aud: [RESOURCE, "other"], azp: "client_01ZED", scp: ["a", "b"] });
    expect(await verify(token)).toMatchObject({ clientId: "client_01ZED", scopes: ["a", "b"] });
  });

  it.each([
    ["a token from another issuer", { iss: "https://evil.authkit.app" }, "token iss claim is invalid"],
    ["a token for another resource", { aud: "https://other.example.com/mcp" }, "token audience https://other.example.com/mcp is not http://localhost:3999/mcp"],
    ["a token with no audience", { aud: undefined }, "token audience (none) is not http://localhost:3999/mcp"],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 60 }, "token has expired"],
    ["a token naming no client", { client_id: undefined }, "token names no client"],
    ["an ID token", { nonce: "n-0S6_WzA2Mj" }, "an ID token is not an access token"],
    ["malformed roles", { roles: "admin" }, "token roles or permissions are malformed"],
    ["a malformed scope", { scope: ["a"] }, "token scope claim is malformed"],
  ])("refuses %s", async (_label, override, why) => {
    const token = await standin.mintAccessToken({ ...claims, ...override } as never);
    await expect(verify(token)).rejects.toMatchObject({ name: "InvalidAuthkitToken", why });
  });

  it("refuses a token whose client is only its audience, unless that legacy shape is allowed", async () => {
    const token = await standin.mintAccessToken({ sub: "user_01ALICE", aud: "client_01LEGACY" });
    await expect(verify(token)).rejects.toMatchObject({ why: "token names no client" });
    expect(await verify(token, { allowClientAudience: true })).toMatchObject({ clientId: "client_01LEGACY" });
    // The allowance covers AuthKit client ids only, never an arbitrary audience.
    const other = await standin.mintAccessToken({ sub: "user_01ALICE", aud: "https://other.example.com" });
    await expect(verify(other, { allowClientAudience: true })).rejects.toMatchObject({ why: "token names no client" });
  });

  it("refuses alg none and HMAC, whatever the token claims", async () => {
    const unsecured = new UnsecuredJWT({ ...claims, iss: standin.origin, jti: "x", exp: Math.floor(Date.now() / 1000) + 60 })
      .setIssuedAt()
      .encode();
    await expect(verify(unsecured)).rejects.toMatchObject({ why: "algorithm none is not accepted" });
    const hmac = await new SignJWT({ ...claims, jti: "x" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(standin.origin)
      .setIssuedAt()
      .setExpirationTime("1m")
      .sign(new TextEncoder().encode("a shared secret that is long enough"));
    await expect(verify(hmac)).rejects.toMatchObject({ why: "algorithm HS256 is not accepted" });
  });

  it("refuses a tampered token and garbage", async () => {
    const token = await standin.mintAccessToken(claims);
    const [header, payload, signature] = token.split(".");
    const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
    forged.sub = "user_01MALLORY";
    await expect(verify(`${header}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`)).rejects.toMatchObject({
      why: "token signature is invalid",
    });
    await expect(verify("not-a-token")).rejects.toMatchObject({ why: "token is malformed" });
    await expect(verify("x".repeat(20_000))).rejects.toMatchObject({ why: "token is too long" });
  });

  it("refuses a token signed by a key AuthKit does not publish", async () => {
    const kid = await standin.addSigningKey({ published: false });
    const token = await standin.mintAccessToken(claims, { kid });
    await expect(verify(token, { cooldownMs: 0 })).rejects.toMatchObject({ why: "token was signed by a key AuthKit does not publish" });
  });

  it("refetches the key set for a rotated-in key, at most once per cooldown", async () => {
    const url = `${standin.origin}/oauth2/jwks?rotation`;
    await verify(await standin.mintAccessToken(claims), { url, cooldownMs: 60_000 });
    const kid = await standin.addSigningKey({ published: false });
    const rotated = await standin.mintAccessToken(claims, { kid });
    const before = standin.jwksFetches();
    // Unknown kid inside the cooldown: refused without asking AuthKit again, however many arrive.
    for (let i = 0; i < 5; i++) {
      await expect(verify(rotated, { url, cooldownMs: 60_000 })).rejects.toMatchObject({ name: "InvalidAuthkitToken" });
    }
    expect(standin.jwksFetches()).toBe(before);
    // Once the cooldown has passed, an unknown kid triggers one refetch and the newly published key is trusted.
    standin.publishKey(kid);
    const fresh = `${url}-fresh`;
    await verify(await standin.mintAccessToken(claims), { url: fresh, cooldownMs: 0 });
    const fetched = standin.jwksFetches();
    await expect(verify(rotated, { url: fresh, cooldownMs: 0 })).resolves.toMatchObject({ subject: "user_01ALICE" });
    expect(standin.jwksFetches()).toBe(fetched);
  });

  it("fails closed with 503 when AuthKit's key set cannot be fetched", async () => {
    standin.failNext("/oauth2/jwks", { status: 503 });
    const token = await standin.mintAccessToken(claims);
    await expect(verify(token, { url: `${standin.origin}/oauth2/jwks?down` })).rejects.toMatchObject({
      name: "AppError",
      code: "unavailable",
      status: 503,
    });
  });
});
