import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export interface TestKeyPair {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A fresh signing key and its public JWK, as a client or an IdP would publish it. */
export async function testKeyPair(alg: "ES256" | "RS256" | "PS256" | "EdDSA" = "ES256", kid = `k-${randomUUID().slice(0, 8)}`): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** Signs claims (now-relative defaults: iat now, exp in 2 minutes, a fresh jti) with the given key and header. */
export async function signAssertion(key: TestKeyPair, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + 120, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey);
}

/** A JWT with `alg: none` or an HMAC, which no key of ours could have made: the server must refuse both. */
export async function unsignedAssertion(claims: JWTPayload, alg: "none" | "HS256"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const full = { iat: now, exp: now + 120, jti: randomUUID(), ...claims };
  if (alg === "HS256") {
    return new SignJWT(full).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode("a shared secret anyone could guess"));
  }
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(full)}.`;
}
