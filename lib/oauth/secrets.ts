import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Prefixes make a leaked credential recognisable to secret scanners and to the person who finds it in a log.
 * Every credential carries 256 random bits after its prefix.
 */
export const CREDENTIAL_PREFIX = {
  clientSecret: "pcs_",
  refreshToken: "pcr_",
  authorizationCode: "pcc_",
  deviceCode: "pcd_",
} as const;

export function generateCredential(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/**
 * SHA-256, hex. A fast hash is the right tool here (unlike for passwords): the inputs carry 256 random bits, so the
 * stored hash cannot be reversed by guessing, and lookups by hash stay a primary-key read.
 */
export function hashCredential(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Compares a presented credential with a stored hash in constant time (hashing first makes the lengths equal). */
export function credentialMatches(presented: string, storedHash: string | null | undefined): boolean {
  if (!storedHash || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  const expected = Buffer.from(storedHash, "hex");
  const actual = createHash("sha256").update(presented, "utf8").digest();
  return timingSafeEqual(actual, expected);
}
