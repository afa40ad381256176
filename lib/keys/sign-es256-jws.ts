import { sign, type KeyObject } from "node:crypto";

// Keys already checked to be P-256 private keys (the check reads the key's details, a native call).
const p256Keys = new WeakSet<KeyObject>();

/**
 * A compact JWS (RFC 7515 §7.1) signed ES256 (RFC 7518 §3.4: ECDSA P-256 over SHA-256, the signature as R ‖ S) with a
 * node:crypto KeyObject. The token endpoint's hot path signs one JWT per request; jose 6 signs through WebCrypto only,
 * whose per-call normalisation, job wrapping and thread-pool round trip cost the server more CPU per token than the
 * signature itself. Signed synchronously: measured in the token benchmark (bench/README.md), node:crypto's callback
 * form (the thread pool) spent 5–18 % more of the server's CPU per token than this, for no more throughput.
 * The result is an ordinary JWS: jose verifies it (lib/keys/sign-es256-jws.test.ts), as do clients.
 */
export function signEs256Jws(header: Record<string, unknown>, payload: object, key: KeyObject): string {
  if (header.alg !== "ES256") throw new Error(`signEs256Jws signs ES256 only, not ${String(header.alg)}`);
  if (!p256Keys.has(key)) {
    if (key.type !== "private" || key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw new Error("signEs256Jws needs a P-256 private key");
    }
    p256Keys.add(key);
  }
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  const signature = sign("sha256", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${signature.toString("base64url")}`;
}
