import type { HeldRole } from "@/lib/policy/effective-scopes";
import { describeExternal } from "@/lib/workos/role-mapping-input";

export interface MappingRule {
  externalKind: "role" | "permission";
  externalName: string;
  roleId: string;
}

/**
 * The local roles a caller holds through WorkOS: for every role and permission in the token that a mapping names, the
 * mapped role, with `via` naming the WorkOS side for the reason path (`mapped workos role admin → role iam_admin`).
 * Pass the result to decide() as `extraRoles`. Role names are matched exactly (WorkOS slugs are case-sensitive).
 */
export function mappedRoles(mappings: readonly MappingRule[], externalRoles: readonly string[], permissions: readonly string[]): HeldRole[] {
  const held = new Map<string, HeldRole>();
  const roles = new Set(externalRoles);
  const perms = new Set(permissions);
  // Roles before permissions, so the reason path names a WorkOS role when both would grant the same local role.
  for (const kind of ["role", "permission"] as const) {
    for (const m of mappings) {
      if (m.externalKind !== kind || held.has(m.roleId)) continue;
      if ((kind === "role" ? roles : perms).has(m.externalName)) {
        held.set(m.roleId, { roleId: m.roleId, via: describeExternal(kind, m.externalName) });
      }
    }
  }
  return [...held.values()];
}
