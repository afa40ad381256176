import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

/** A key pair an attacker (or a legitimate client) signs assertions with, and the public JWK it publishes. */
export interface Signer {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signer(alg: "ES256" | "RS256", kid = `k-${randomUUID().slice(0, 8)}`): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export const now = () => Math.floor(Date.now() / 1000);

/** A JWT signed with `key`, valid for two minutes, with a fresh `jti`. */
export function sign(key: Signer, claims: JWTPayload, typ = "JWT"): Promise<string> {
  return new SignJWT({ iat: now(), exp: now() + 120, jti: randomUUID(), ...claims }).setProtectedHeader({ alg: key.alg, kid: key.kid, typ }).sign(key.privateKey);
}
