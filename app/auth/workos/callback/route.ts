import { AuthError } from "next-auth";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/safe-return-path";
import { env } from "@/lib/env";
import { openSignInState, WORKOS_SIGN_IN_COOKIE } from "@/lib/workos/workos-sign-in-state";

export const dynamic = "force-dynamic";

/** Where AuthKit returns after "Sign in with WorkOS" (WORKOS redirect URI: <base>/auth/workos/callback). */
export async function GET(request: Request): Promise<Response> {
  if (!env().workos.consoleSignIn) redirect("/login");
  const params = new URL(request.url).searchParams;
  const jar = await cookies();
  const sealed = jar.get(WORKOS_SIGN_IN_COOKIE)?.value;
  jar.delete({ name: WORKOS_SIGN_IN_COOKIE, path: "/auth/workos" });
  // The person cancelled or AuthKit refused: nothing to exchange.
  if (params.has("error") || !params.get("code")) redirect("/login?workos=cancelled");
  const state = params.get("state") ?? "";
  // Checked again on the way out: the sealed cookie only ever holds a safe path, but the redirect is what matters.
  const from = safeReturnPath((await openSignInState(sealed, state))?.from);
  try {
    // The credentials provider reopens the cookie (sent along with this request) and checks the state again itself.
    await signIn("workos", { code: params.get("code")!, state, redirectTo: from });
  } catch (error) {
    if (error instanceof AuthError && error.type === "CredentialsSignin") {
      redirect(`/login?workos=${encodeURIComponent((error as AuthError & { code?: string }).code ?? "rejected")}`);
    }
    throw error;
  }
  redirect(from);
}
