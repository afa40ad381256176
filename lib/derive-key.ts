import { hkdfSync } from "node:crypto";
import { env } from "@/lib/env";

/**
 * A key for one purpose, derived from the deployment secret with HKDF-SHA256 (RFC 5869). Purposes never share key
 * material: the console session key cannot decrypt signing keys and vice versa.
 */
export function deriveKey(purpose: "console-session" | "signing-key-encryption" | "csrf" | string, length = 32): Buffer {
  return Buffer.from(hkdfSync("sha256", env().secret, "portcullis", `portcullis:${purpose}`, length));
}
