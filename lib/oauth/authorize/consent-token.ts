import { createHmac, timingSafeEqual } from "node:crypto";
import { deriveKey } from "@/lib/derive-key";

/**
 * Binds a consent form to the signed-in user and to the exact authorization request it was rendered for, so a forged
 * or replayed form post (CSRF, or a form from another request) cannot grant anything. HMAC-SHA256 under a key derived
 * for this purpose from the deployment secret.
 */
function mac(userId: string, params: Record<string, string>): Buffer {
  const bound = ["client_id", "redirect_uri", "code_challenge", "state", "scope", "resource"].map((k) => `${k}=${params[k] ?? ""}`);
  return createHmac("sha256", deriveKey("csrf")).update(`consent\n${userId}\n${bound.join("\n")}`).digest();
}

export function consentToken(userId: string, params: Record<string, string>): string {
  return mac(userId, params).toString("base64url");
}

export function consentTokenValid(token: string | undefined, userId: string, params: Record<string, string>): boolean {
  if (!token) return false;
  const presented = Buffer.from(token, "base64url");
  const expected = mac(userId, params);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
