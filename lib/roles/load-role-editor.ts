import { db } from "@/lib/db/client";
import { getRole, type RoleDetail } from "@/lib/roles/get-role";
import { listRoles, type RoleSummary } from "@/lib/roles/list-roles";
import { listScopes, type ScopeSummary } from "@/lib/scopes/list-scopes";

export interface RoleEditor {
  /** Null when no role has this name. */
  role: RoleDetail | null;
  /** Every role: the parents this one can inherit, and the graph. */
  roles: RoleSummary[];
  scopes: ScopeSummary[];
}

/** One role, with the roles and scopes its editor offers. */
export async function loadRoleEditor(name: string): Promise<RoleEditor> {
  const database = db();
  const [role, roles, scopes] = await Promise.all([getRole(database, name), listRoles(database), listScopes(database)]);
  return { role, roles, scopes };
}
