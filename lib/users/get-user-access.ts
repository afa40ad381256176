import { db } from "@/lib/db/client";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { loadPolicySnapshot } from "@/lib/policy/policy-snapshot";
import { formatReason } from "@/lib/policy/types";

export interface UserAccess {
  id: string;
  email: string;
  name: string;
  kind: "human" | "service";
  disabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  roles: string[];
  effectiveScopes: Array<{ scope: string; reason: string }>;
  grants: Array<{ id: string; clientId: string; clientName: string; scopes: string[]; createdAt: Date; revokedAt: Date | null }>;
}

/** One user's roles, effective scopes with the reason path for each, and grants. Null if there is no such user. */
export async function getUserAccess(userId: string): Promise<UserAccess | null> {
  const database = db();
  const user = await database.user.findUnique({
    where: { id: userId },
    include: {
      roles: { include: { role: { select: { name: true } } } },
      grants: { orderBy: { createdAt: "desc" }, take: 100, include: { client: { select: { name: true } } } },
    },
  });
  if (!user) return null;
  const snapshot = await loadPolicySnapshot(database);
  const scopes = userEffectiveScopes(snapshot, user.id);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    kind: user.kind,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    roles: user.roles.map((r) => r.role.name).sort(),
    effectiveScopes: [...scopes.entries()]
      .map(([scope, path]) => ({ scope, reason: formatReason(path) }))
      .sort((a, b) => a.scope.localeCompare(b.scope)),
    grants: user.grants.map((g) => ({
      id: g.id,
      clientId: g.clientId,
      clientName: g.client.name,
      scopes: g.scopes,
      createdAt: g.createdAt,
      revokedAt: g.revokedAt,
    })),
  };
}
