import { CompactEncrypt, compactDecrypt } from "jose";
import { deriveKey } from "@/lib/derive-key";

// A JWE with direct AES-256-GCM under a key derived from the deployment secret (purpose "signing-key-encryption").
const HEADER = { alg: "dir", enc: "A256GCM", cty: "jwk+json" } as const;

export async function seal(plaintext: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader(HEADER)
    .encrypt(deriveKey("signing-key-encryption"));
}

/** Throws if the sealed value was not made with this deployment's secret or has been altered. */
export async function unseal(sealed: string): Promise<string> {
  const { plaintext } = await compactDecrypt(sealed, deriveKey("signing-key-encryption"), {
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  return new TextDecoder().decode(plaintext);
}
