import { auth } from "@/lib/auth/auth";
import { noteChanged } from "@/lib/changes/change-versions";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

/**
 * The person signed in to the console, for the authorization, consent and device pages and the AuthKit Login URI — read fresh from the current
 * policy, so a disabled user counts as signed out. Null when nobody usable is signed in (the caller sends them to sign
 * in, then back).
 */
export async function signedInUser(): Promise<SignedInUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  let snapshot = await policySnapshot();
  if (!snapshot.users.has(id)) {
    noteChanged(["policy"]);
    snapshot = await policySnapshot();
  }
  const user = snapshot.users.get(id);
  if (!user || user.disabled || user.kind !== "human") return null;
  return { id, email: user.email, name: user.name };
}
