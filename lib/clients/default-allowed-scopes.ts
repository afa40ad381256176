import type { Tx } from "@/lib/db/client";
import type { RegistrationPolicy } from "@/lib/settings/registration-policy";

/**
 * The allow-list a new client starts with: the registration policy's default scopes that exist, narrowed to what the
 * client asked for when it asked for anything known. An admin widens or narrows it at approval.
 */
export async function defaultAllowedScopes(tx: Tx, policy: RegistrationPolicy, requested: readonly string[]): Promise<string[]> {
  const known = new Set((await tx.scope.findMany({ select: { name: true } })).map((s) => s.name));
  const defaults = policy.defaultScopes.filter((s) => known.has(s));
  const asked = requested.filter((s) => known.has(s));
  return asked.length > 0 ? defaults.filter((s) => asked.includes(s)) : defaults;
}
