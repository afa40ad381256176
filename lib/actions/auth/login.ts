"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/safe-return-path";
import { LOGIN_FAILED_MESSAGE } from "@/lib/auth/verify-login";

export interface LoginState {
  error?: string;
  email?: string;
}

export async function loginAction(_previous: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get("email") ?? "");
  try {
    await signIn("credentials", {
      email,
      password: String(form.get("password") ?? ""),
      redirectTo: safeReturnPath(form.get("from")),
    });
    return {};
  } catch (error) {
    if (error instanceof AuthError && error.type === "CredentialsSignin") {
      const throttled = (error as AuthError & { code?: string }).code === "throttled";
      return { email, error: throttled ? "Too many failed sign-ins. Wait 15 minutes and try again." : LOGIN_FAILED_MESSAGE };
    }
    throw error;
  }
}
