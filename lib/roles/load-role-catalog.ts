import { db } from "@/lib/db/client";
import { listRoles, type RoleSummary } from "@/lib/roles/list-roles";
import { listScopes, type ScopeSummary } from "@/lib/scopes/list-scopes";

export interface RoleCatalog {
  roles: RoleSummary[];
  /** The scopes a new role can be given. */
  scopes: ScopeSummary[];
}

/** Every role, with the scopes the create-role form offers. */
export async function loadRoleCatalog(): Promise<RoleCatalog> {
  const database = db();
  const [roles, scopes] = await Promise.all([listRoles(database), listScopes(database)]);
  return { roles, scopes };
}
