import { db } from "@/lib/db/client";
import { listRoles, type RoleSummary } from "@/lib/roles/list-roles";
import type { RoleMappingView } from "@/lib/workos/add-role-mapping";
import { listAuthkitRevocations } from "@/lib/workos/list-authkit-revocations";
import { listRoleMappings } from "@/lib/workos/list-role-mappings";
import type { RevocationView } from "@/lib/workos/revoke-authkit-access";

export interface WorkosSettings {
  mappings: RoleMappingView[];
  /** The local roles a WorkOS role can map to. */
  roles: RoleSummary[];
  /** The AuthKit deny list; empty unless asked for (it is shown only to readers of tokens). */
  revocations: RevocationView[];
}

/** The WorkOS page's data: role mappings, the roles they can target and, for token readers, the AuthKit deny list. */
export async function loadWorkosSettings({ withRevocations }: { withRevocations: boolean }): Promise<WorkosSettings> {
  const database = db();
  const [mappings, roles, revocations] = await Promise.all([
    listRoleMappings(database),
    listRoles(database),
    withRevocations ? listAuthkitRevocations(database) : Promise.resolve([]),
  ]);
  return { mappings, roles, revocations };
}
