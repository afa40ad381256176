import { CompactEncrypt, compactDecrypt } from "jose";
import { timingSafeEqual } from "node:crypto";
import { deriveKey } from "@/lib/derive-key";

/** The browser cookie that carries a console sign-in through WorkOS from start to callback. */
export const WORKOS_SIGN_IN_COOKIE = "portcullis.workos-sign-in";
export const WORKOS_SIGN_IN_TTL_SECONDS = 600;

export interface WorkosSignInState {
  state: string;
  codeVerifier: string;
  /** Where to land after signing in: a same-site path. */
  from: string;
  expiresAt: number;
}

const HEADER = { alg: "dir", enc: "A256GCM" } as const;

/** Sealed (AES-256-GCM, key derived from the deployment secret for this purpose only): unreadable and unforgeable. */
export async function sealSignInState(value: WorkosSignInState): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(value))).setProtectedHeader(HEADER).encrypt(deriveKey("workos-sign-in"));
}

/**
 * The sign-in state, if the cookie is ours, unexpired, and its `state` equals the one WorkOS returned (compared in
 * constant time: it is the CSRF defence of the callback). Null otherwise.
 */
export async function openSignInState(cookie: string | undefined, returnedState: string): Promise<WorkosSignInState | null> {
  if (!cookie) return null;
  let value: WorkosSignInState;
  try {
    const { plaintext } = await compactDecrypt(cookie, deriveKey("workos-sign-in"), {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    value = JSON.parse(new TextDecoder().decode(plaintext)) as WorkosSignInState;
  } catch {
    return null;
  }
  if (typeof value?.state !== "string" || Date.now() > value.expiresAt) return null;
  const a = Buffer.from(value.state);
  const b = Buffer.from(returnedState);
  return a.length === b.length && timingSafeEqual(a, b) ? value : null;
}
