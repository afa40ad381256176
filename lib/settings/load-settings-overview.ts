import { db } from "@/lib/db/client";
import { listSigningKeys, type SigningKeyView } from "@/lib/keys/list-signing-keys";
import { listScopes, type ScopeSummary } from "@/lib/scopes/list-scopes";
import { registrationPolicy, type RegistrationPolicy } from "@/lib/settings/registration-policy";
import { tokenLifetimes, type TokenLifetimes } from "@/lib/settings/token-lifetimes";
import { workosLinking, type WorkosLinking } from "@/lib/settings/workos-linking";

export interface SettingsOverview {
  policy: RegistrationPolicy;
  lifetimes: TokenLifetimes;
  keys: SigningKeyView[];
  /** The scopes the default-scopes picker offers; empty unless asked for (only editors see the picker). */
  scopes: ScopeSummary[];
  /** Which verified-email domains link WorkOS identities to existing accounts automatically. */
  linking: WorkosLinking;
}

/** The settings page's data: registration policy, token lifetimes, signing keys, WorkOS linking and, for editors, the scope list. */
export async function loadSettingsOverview({ withScopes }: { withScopes: boolean }): Promise<SettingsOverview> {
  const database = db();
  const [policy, lifetimes, keys, scopes, linking] = await Promise.all([
    registrationPolicy(),
    tokenLifetimes(),
    listSigningKeys(database),
    withScopes ? listScopes(database) : Promise.resolve([]),
    workosLinking(),
  ]);
  return { policy, lifetimes, keys, scopes, linking };
}
