import { exportJWK, generateKeyPair, SignJWT, base64url } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { openTestDatabase } from "@/test/support/db";
import { keyRing, publicJwks, rotateSigningKeys } from "@/lib/keys";
import { mintAccessToken } from "@/lib/access-tokens/mint-access-token";
import { InvalidAccessToken, verifyAccessToken } from "@/lib/access-tokens/verify-access-token";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const ISSUER = "http://localhost:3999";
const RESOURCE = `${ISSUER}/mcp`;
const grant = { subject: "user-1", clientId: "client-1", scopes: ["clients:read", "audit:read"], grantId: "grant-1" };

async function claimsFor(now = Math.floor(Date.now() / 1000)) {
  return { iss: ISSUER, sub: "user-1", aud: RESOURCE, iat: now, nbf: now, exp: now + 600, jti: "j1", client_id: "client-1", scope: "clients:read", grant_id: "grant-1" };
}

async function expectRejected(token: string, why: string | RegExp) {
  const error = await verifyAccessToken(token).catch((e) => e);
  expect(error).toBeInstanceOf(InvalidAccessToken);
  expect((error as InvalidAccessToken).why).toMatch(why);
}

describe("access tokens", () => {
  it("carry iss sub aud exp iat nbf jti client_id scope grant_id and verify", async () => {
    const { token, claims } = await mintAccessToken(grant);
    expect(claims).toMatchObject({ iss: ISSUER, aud: RESOURCE, sub: "user-1", client_id: "client-1", scope: "clients:read audit:read", grant_id: "grant-1" });
    expect(claims.exp - claims.iat).toBe(600);
    expect(await verifyAccessToken(token)).toEqual(claims);
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[0])));
    expect(header).toEqual({ alg: "ES256", kid: (await keyRing()).active.kid, typ: "at+jwt" });
  });

  it("refuses alg none", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", kid: (await keyRing()).active.kid }));
    const payload = base64url.encode(JSON.stringify(await claimsFor()));
    await expectRejected(`${header}.${payload}.`, "algorithm none is not accepted");
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const { kid } = (await keyRing()).active;
    const jwk = (await publicJwks()).keys.find((k) => k.kid === kid)!;
    const secret = new TextEncoder().encode(JSON.stringify(jwk));
    const forged = await new SignJWT(await claimsFor()).setProtectedHeader({ alg: "HS256", kid, typ: "at+jwt" }).sign(secret);
    await expectRejected(forged, "algorithm HS256 is not accepted");
  });

  it("refuses an expired token, and one not yet valid", async () => {
    const { token } = await mintAccessToken({ ...grant, now: new Date(Date.now() - 3600_000) });
    await expectRejected(token, "token has expired");
    const { token: future } = await mintAccessToken({ ...grant, now: new Date(Date.now() + 3600_000) });
    await expectRejected(future, "token nbf claim is invalid");
  });

  it("refuses a token for another resource", async () => {
    const { token } = await mintAccessToken({ ...grant, resource: "https://elsewhere.example/mcp" });
    await expectRejected(token, "token aud claim is invalid");
  });

  it("refuses a token from another issuer, even signed with our key", async () => {
    const ring = await keyRing();
    const forged = await new SignJWT({ ...(await claimsFor()), iss: "https://evil.example" })
      .setProtectedHeader({ alg: "ES256", kid: ring.active.kid, typ: "at+jwt" })
      .sign(ring.active.privateKey);
    await expectRejected(forged, "token iss claim is invalid");
  });

  it("refuses an unknown kid and a token signed by a foreign key under our kid", async () => {
    const foreign = await generateKeyPair("ES256");
    const unknown = await new SignJWT(await claimsFor()).setProtectedHeader({ alg: "ES256", kid: "nope", typ: "at+jwt" }).sign(foreign.privateKey);
    await expectRejected(unknown, "token was signed by an unknown key");
    const ours = (await keyRing()).active.kid;
    const impostor = await new SignJWT(await claimsFor()).setProtectedHeader({ alg: "ES256", kid: ours, typ: "at+jwt" }).sign(foreign.privateKey);
    await expectRejected(impostor, "token signature is invalid");
    expect(await exportJWK(foreign.publicKey)).toBeTruthy();
  });

  it("refuses a tampered payload and garbage", async () => {
    const { token } = await mintAccessToken(grant);
    const [h, , s] = token.split(".");
    const widened = base64url.encode(JSON.stringify({ ...(await claimsFor()), scope: "clients:write" }));
    await expectRejected(`${h}.${widened}.${s}`, "token signature is invalid");
    await expectRejected("not-a-jwt", "token is malformed");
  });

  it("refuses a token without the at+jwt type (e.g. an ID token)", async () => {
    const ring = await keyRing();
    const idToken = await new SignJWT(await claimsFor()).setProtectedHeader({ alg: "ES256", kid: ring.active.kid, typ: "JWT" }).sign(ring.active.privateKey);
    await expectRejected(idToken, 'token typ claim is invalid');
  });

  it("keeps verifying tokens of the previous key after a rotation, and publishes both keys", async () => {
    const before = await mintAccessToken(grant);
    const { kid, retired } = await rotateSigningKeys(CLI_CONTEXT);
    expect(retired).toContain(before.token ? (JSON.parse(new TextDecoder().decode(base64url.decode(before.token.split(".")[0]))).kid as string) : "");
    const after = await mintAccessToken(grant);
    expect((await keyRing()).active.kid).toBe(kid);
    await expect(verifyAccessToken(before.token)).resolves.toMatchObject({ jti: before.jti });
    await expect(verifyAccessToken(after.token)).resolves.toMatchObject({ jti: after.jti });
    expect((await publicJwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, ...retired]));
  });
});
