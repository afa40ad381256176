import { db } from "@/lib/db/client";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { loadPolicySnapshot } from "@/lib/policy/policy-snapshot";
import { formatReason, type ReasonStep } from "@/lib/policy/types";

export interface UserAccess {
  id: string;
  email: string;
  name: string;
  kind: "human" | "service";
  disabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  roles: string[];
  effectiveScopes: Array<{ scope: string; reason: string; path: ReasonStep[] }>;
  grants: UserGrant[];
}

export interface UserGrant {
  id: string;
  clientId: string;
  clientName: string;
  clientStatus: string;
  scopes: string[];
  grantType: string;
  resource: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  /** Access tokens issued under the grant that are neither revoked nor expired. */
  liveAccessTokens: number;
}

/** One user's roles, effective scopes with the reason path for each, and grants. Null if there is no such user. */
export async function getUserAccess(userId: string, now = new Date()): Promise<UserAccess | null> {
  const database = db();
  const user = await database.user.findUnique({
    where: { id: userId },
    include: {
      roles: { include: { role: { select: { name: true } } } },
      grants: {
        orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
        take: 200,
        include: {
          client: { select: { name: true, status: true } },
          _count: { select: { accessTokens: { where: { revokedAt: null, expiresAt: { gt: now } } } } },
        },
      },
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
      .map(([scope, path]) => ({ scope, reason: formatReason(path), path }))
      .sort((a, b) => a.scope.localeCompare(b.scope)),
    grants: user.grants.map((g) => ({
      id: g.id,
      clientId: g.clientId,
      clientName: g.client.name,
      clientStatus: g.client.status,
      scopes: g.scopes,
      grantType: g.grantType,
      resource: g.resource,
      createdAt: g.createdAt,
      lastUsedAt: g.lastUsedAt,
      revokedAt: g.revokedAt,
      revokedReason: g.revokedReason,
      liveAccessTokens: g._count.accessTokens,
    })),
  };
}
