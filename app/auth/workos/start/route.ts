import { cookies } from "next/headers";
import { problemPage } from "@/components/authkit/problem-page";
import { env } from "@/lib/env";
import { beginWorkosSignIn } from "@/lib/workos/begin-workos-sign-in";
import { WORKOS_SIGN_IN_COOKIE, WORKOS_SIGN_IN_TTL_SECONDS } from "@/lib/workos/workos-sign-in-state";

export const dynamic = "force-dynamic";

/** "Sign in with WorkOS": off to AuthKit's hosted login, with state and PKCE kept in a sealed cookie. */
export async function GET(request: Request): Promise<Response> {
  const config = env();
  if (!config.workos.consoleSignIn) {
    return problemPage(404, "Not available", "Sign-in with WorkOS is not enabled on this Portcullis.", { hint: "Sign in with your email and password instead." });
  }
  const { url, cookie } = await beginWorkosSignIn(new URL(request.url).searchParams.get("from"));
  (await cookies()).set(WORKOS_SIGN_IN_COOKIE, cookie, {
    httpOnly: true,
    // Lax: the cookie must come back on AuthKit's top-level redirect to the callback.
    sameSite: "lax",
    secure: config.issuer.startsWith("https:"),
    path: "/auth/workos",
    maxAge: WORKOS_SIGN_IN_TTL_SECONDS,
  });
  return new Response(null, { status: 303, headers: { location: url, "cache-control": "no-store" } });
}
