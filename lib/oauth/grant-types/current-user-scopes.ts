import { InvalidGrant } from "@/lib/oauth/errors";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

/** The scopes a grant's user holds right now; a disabled or deleted user ends the grant (invalid_grant). */
export async function currentUserScopes(userId: string): Promise<Set<string>> {
  const snapshot = await policySnapshot();
  const user = snapshot.users.get(userId);
  if (!user || user.disabled) throw new InvalidGrant("The user this grant belongs to is disabled.");
  return new Set(userEffectiveScopes(snapshot, userId).keys());
}
