import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { accountOfSession } from "@/lib/auth/account-of-session";
import { signOutEverywhere } from "@/lib/auth/end-sessions";
import { verifyLogin } from "@/lib/auth/verify-login";
import { deriveKey } from "@/lib/derive-key";
import { isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { clientIp, requestId } from "@/lib/http/client-address";
import { env } from "@/lib/env";
import { workosCredentials } from "@/lib/workos/workos-credentials-provider";

class InvalidLogin extends CredentialsSignin {
  code = "invalid";
}

class ThrottledLogin extends CredentialsSignin {
  code = "throttled";
}

const SESSION_HOURS = 8;

declare module "@auth/core/types" {
  interface User {
    /** The user's session epoch when this sign-in read the account (see `sessionAccount`). */
    sessionEpoch?: number;
  }
}

// Configuration is built per request (the function form) so nothing reads the environment during `next build`.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: deriveKey("console-session").toString("base64url"),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_HOURS * 3600 },
  pages: { signIn: "/login", error: "/login" },
  // A failed sign-in is an expected outcome (already audited), not an error worth a stack trace.
  logger: {
    error(error) {
      // By `type`, not `name`: the production build minifies class names.
      if ((error as Error & { type?: string }).type === "CredentialsSignin") return;
      logger.error("console sign-in error", { error });
    },
    warn(code) {
      logger.warn("console sign-in warning", { code });
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        try {
          const user = await verifyLogin(credentials.email, credentials.password, clientIp(request.headers));
          return { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch };
        } catch (error) {
          if (isAppError(error) && error.code === "rate_limited") throw new ThrottledLogin();
          if (isAppError(error) && error.code === "unauthenticated") throw new InvalidLogin();
          throw error;
        }
      },
    }),
    // Console sign-in through WorkOS (WORKOS_CONSOLE_SIGN_IN): /auth/workos/callback hands the code over to this provider.
    ...(env().workos.consoleSignIn ? [workosCredentials()] : []),
  ],
  callbacks: {
    async jwt({ token, user }) {
      // The epoch is set at sign-in only: a session update (POST /api/auth/session) never moves it, or an ended session
      // could renew itself.
      if (user?.id) {
        token.sub = user.id;
        token.sessionEpoch = user.sessionEpoch;
        return token;
      }
      // Every later read: a session that has ended (signed out, password changed, user disabled) is no session at all,
      // for the console and for Auth.js's own endpoints alike.
      if (token.sub && (await accountOfSession(token.sub, token.sessionEpoch)).state !== "current") return null;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (typeof token.sessionEpoch === "number") session.user.sessionEpoch = token.sessionEpoch;
      return session;
    },
  },
  events: {
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (!token?.sub) return;
      const h = await headers();
      await signOutEverywhere(token.sub, token.sessionEpoch, { actor: `user:${token.sub}`, ip: clientIp(h), requestId: requestId(h) });
    },
  },
}));

