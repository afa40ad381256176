import type { Db } from "@/lib/db/client";
import { effectiveScopes } from "@/lib/policy/effective-scopes";
import { loadPolicySnapshot } from "@/lib/policy/policy-snapshot";

export interface RoleSummary {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  parents: string[];
  scopes: string[];
  effectiveScopes: string[];
  userCount: number;
}

/** Every role with its parents, own scopes and effective scopes (own ∪ ancestors'). */
export async function listRoles(database: Db): Promise<RoleSummary[]> {
  const [snapshot, roles] = await Promise.all([
    loadPolicySnapshot(database),
    database.role.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { users: true } } } }),
  ]);
  return roles.map((role) => {
    const node = snapshot.roles.get(role.id)!;
    return {
      id: role.id,
      name: role.name,
      description: role.description,
      builtin: role.builtin,
      parents: node.parentIds.map((id) => snapshot.roles.get(id)!.name).sort(),
      scopes: [...node.scopes].sort(),
      effectiveScopes: [...effectiveScopes(snapshot, [{ roleId: role.id }]).keys()].sort(),
      userCount: role._count.users,
    };
  });
}
