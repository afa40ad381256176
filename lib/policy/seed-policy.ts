import type { Db } from "@/lib/db/client";
import { ADMIN_ROLE, BUILTIN_SCOPES, SEED_ROLES, type BuiltinScope } from "@/lib/policy/catalog";

/**
 * Creates whatever of the seeded policy is missing. Idempotent and respectful of edits: a role that exists keeps the
 * scopes an admin gave it — except iam_admin, which by definition holds every built-in scope.
 */
export async function seedPolicy(database: Db): Promise<void> {
  const allScopes = Object.keys(BUILTIN_SCOPES) as BuiltinScope[];
  const known = new Set((await database.scope.findMany({ where: { name: { in: allScopes } }, select: { name: true } })).map((s) => s.name));
  await database.scope.createMany({
    data: allScopes.map((name) => ({ name, description: BUILTIN_SCOPES[name], builtin: true })),
    skipDuplicates: true,
  });

  const existing = new Map((await database.role.findMany({ select: { id: true, name: true } })).map((r) => [r.name, r.id]));
  for (const seed of SEED_ROLES) {
    if (existing.has(seed.name)) continue;
    const role = await database.role.create({
      data: { name: seed.name, description: seed.description, builtin: seed.builtin },
    });
    existing.set(seed.name, role.id);
    const scopes = seed.scopes === "all" ? allScopes : seed.scopes;
    await database.roleScope.createMany({ data: scopes.map((scopeName) => ({ roleId: role.id, scopeName })) });
    const parentIds = seed.parents.map((p) => existing.get(p)).filter((id): id is string => id !== undefined);
    await database.roleParent.createMany({ data: parentIds.map((parentId) => ({ roleId: role.id, parentId })) });
  }

  // A built-in scope added by an upgrade (e.g. servers:read) reaches the seeded roles that list it, once, when it is
  // created; after that the role's scopes are the admins' to edit.
  const added = allScopes.filter((name) => !known.has(name));
  if (known.size > 0 && added.length > 0) {
    for (const seed of SEED_ROLES) {
      const roleId = existing.get(seed.name);
      const scopes = seed.scopes === "all" ? allScopes : seed.scopes;
      const grant = scopes.filter((s) => added.includes(s));
      if (roleId && grant.length) await database.roleScope.createMany({ data: grant.map((scopeName) => ({ roleId, scopeName })), skipDuplicates: true });
    }
  }

  const adminId = existing.get(ADMIN_ROLE);
  if (adminId) {
    await database.roleScope.createMany({
      data: allScopes.map((scopeName) => ({ roleId: adminId, scopeName })),
      skipDuplicates: true,
    });
  }
}
