import { CompactEncrypt, compactDecrypt } from "jose";
import { deriveKey } from "@/lib/derive-key";

// A JWE with direct AES-256-GCM under a key derived from the deployment secret, for upstream credentials only (a
// purpose of its own: the signing-key encryption key cannot open them, nor they it).
const PURPOSE = "upstream-credential-encryption";
const HEADER = { alg: "dir", enc: "A256GCM" } as const;

export async function sealCredential(plaintext: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader(HEADER).encrypt(deriveKey(PURPOSE));
}

/** Throws if the sealed value was not made with this deployment's secret or has been altered. */
export async function unsealCredential(sealed: string): Promise<string> {
  const { plaintext } = await compactDecrypt(sealed, deriveKey(PURPOSE), { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
  return new TextDecoder().decode(plaintext);
}
