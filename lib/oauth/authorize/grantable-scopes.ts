import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import type { PolicySnapshot } from "@/lib/policy/types";

export interface ScopeAvailability {
  /** Requested scopes the user may grant: held through their roles and on the client's allow-list (DESIGN §3). */
  grantable: string[];
  /** Requested scopes that cannot be granted, and why — shown on the consent screen rather than silently dropped. */
  unavailable: Array<{ scope: string; why: "user_lacks" | "client_not_allowed" }>;
}

/** requested ∩ what the user's roles allow ∩ the client's allow-list. */
export function grantableScopes(
  snapshot: PolicySnapshot,
  userId: string,
  clientAllowed: readonly string[],
  requested: readonly string[],
): ScopeAvailability {
  const held = userEffectiveScopes(snapshot, userId);
  const allowed = new Set(clientAllowed);
  const result: ScopeAvailability = { grantable: [], unavailable: [] };
  for (const scope of requested) {
    if (!allowed.has(scope)) result.unavailable.push({ scope, why: "client_not_allowed" });
    else if (!held.has(scope)) result.unavailable.push({ scope, why: "user_lacks" });
    else result.grantable.push(scope);
  }
  return result;
}
