import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { compactVerify, decodeProtectedHeader, exportJWK, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { signEs256Jws } from "@/lib/keys/sign-es256-jws";

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });

describe("signEs256Jws", () => {
  it("signs a compact JWS that jose verifies as ES256, with the header and claims as given", async () => {
    const claims = { iss: "https://as.example", sub: "user-1", aud: "https://as.example/mcp", iat: 1_700_000_000, exp: 4_000_000_000, scope: "a b", name: "Zoë ✓" };
    const token = await signEs256Jws({ alg: "ES256", kid: "k1", typ: "at+jwt" }, claims, privateKey);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: "k1", typ: "at+jwt" });
    // The same key as a JWK through WebCrypto, as a client or another instance would hold it.
    const verifier = await importJWK(await exportJWK(publicKey), "ES256");
    const { payload, protectedHeader } = await jwtVerify(token, verifier, { algorithms: ["ES256"], issuer: claims.iss, audience: claims.aud, typ: "at+jwt" });
    expect(payload).toEqual(claims);
    expect(protectedHeader.alg).toBe("ES256");
    // RFC 7518 §3.4: the signature is R ‖ S, 32 bytes each — not DER.
    expect(Buffer.from(token.split(".")[2], "base64url")).toHaveLength(64);
  });

  it("produces a signature another key does not verify, and a tampered payload fails", async () => {
    const token = await signEs256Jws({ alg: "ES256" }, { sub: "a" }, privateKey);
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await expect(compactVerify(token, other.publicKey)).rejects.toThrow();
    const [header, , signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: "b" })).toString("base64url")}.${signature}`;
    await expect(compactVerify(forged, publicKey)).rejects.toThrow();
    await expect(compactVerify(token, publicKey)).resolves.toBeDefined();
  });

  it("refuses to sign anything but ES256, and refuses a key that is not P-256", async () => {
    expect(() => signEs256Jws({ alg: "none" }, { sub: "a" }, privateKey)).toThrow(/ES256 only/);
    expect(() => signEs256Jws({ alg: "HS256" }, { sub: "a" }, privateKey)).toThrow(/ES256 only/);
    const p384 = createPrivateKey(generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "pem", type: "pkcs8" }));
    expect(() => signEs256Jws({ alg: "ES256" }, { sub: "a" }, p384)).toThrow(/P-256 private key/);
    expect(() => signEs256Jws({ alg: "ES256" }, { sub: "a" }, publicKey)).toThrow(/P-256 private key/);
  });
});
