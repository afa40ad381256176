import { createHash, randomBytes } from "node:crypto";
import { safeReturnPath } from "@/lib/auth/safe-return-path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { workosClient } from "@/lib/workos/workos-client";
import { sealSignInState, WORKOS_SIGN_IN_TTL_SECONDS } from "@/lib/workos/workos-sign-in-state";

/**
 * Starts a console sign-in through WorkOS (AuthKit's hosted login): a fresh `state` and PKCE pair (S256), sealed into
 * a short-lived cookie, and the WorkOS authorization URL to send the browser to.
 */
export async function beginWorkosSignIn(from: unknown): Promise<{ url: string; cookie: string }> {
  const { workos } = env();
  if (!workos.consoleSignIn) throw new AppError("not_found", "Sign-in with WorkOS is not enabled.");
  const state = randomBytes(32).toString("base64url");
  const codeVerifier = randomBytes(32).toString("base64url");
  const codeChallenge = createHash("sha256").update(codeVerifier).digest("base64url");
  const url = workosClient().userManagement.getAuthorizationUrl({
    provider: "authkit",
    clientId: workos.clientId,
    redirectUri: workos.consoleRedirectUri,
    state,
    codeChallenge,
    codeChallengeMethod: "S256",
  });
  const cookie = await sealSignInState({
    state,
    codeVerifier,
    from: safeReturnPath(from),
    expiresAt: Date.now() + WORKOS_SIGN_IN_TTL_SECONDS * 1000,
  });
  return { url, cookie };
}
