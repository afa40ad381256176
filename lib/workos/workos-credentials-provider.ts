import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { isAppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-address";
import { finishWorkosSignIn, WorkosSignInRefused } from "@/lib/workos/finish-workos-sign-in";
import { openSignInState, WORKOS_SIGN_IN_COOKIE } from "@/lib/workos/workos-sign-in-state";

class WorkosSignInFailed extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/**
 * The Auth.js provider behind "Sign in with WorkOS": a credentials provider whose credentials are WorkOS's
 * authorization code and state. It only accepts them together with this browser's sealed sign-in cookie (state and
 * PKCE verifier), so a code cannot be replayed from another browser, and a forged POST fails Auth.js's CSRF check.
 */
export function workosCredentials() {
  return Credentials({
    id: "workos",
    name: "WorkOS",
    credentials: { code: { type: "text" }, state: { type: "text" } },
    async authorize(credentials, request) {
      const code = typeof credentials.code === "string" ? credentials.code : "";
      const state = typeof credentials.state === "string" ? credentials.state : "";
      try {
        const signIn = await openSignInState(readCookie(request.headers.get("cookie"), WORKOS_SIGN_IN_COOKIE), state);
        const user = await finishWorkosSignIn(code, signIn, clientIp(request.headers));
        return { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch };
      } catch (error) {
        if (error instanceof WorkosSignInRefused) throw new WorkosSignInFailed(error.reason);
        if (isAppError(error) && error.code === "unavailable") throw new WorkosSignInFailed("unavailable");
        throw error;
      }
    },
  });
}
