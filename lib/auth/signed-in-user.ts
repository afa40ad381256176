import { sessionAccount } from "@/lib/auth/session-account";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

/**
 * The person signed in to the console, for the authorization, consent and device pages and the AuthKit Login URI — read
 * fresh from the current policy, so a disabled user or an ended session counts as signed out. Null when nobody usable
 * is signed in (the caller sends them to sign in, then back).
 */
export async function signedInUser(): Promise<SignedInUser | null> {
  const account = await sessionAccount();
  if (account.state !== "current" || account.user.kind !== "human") return null;
  const { id, email, name } = account.user;
  return { id, email, name };
}
