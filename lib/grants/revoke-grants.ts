import type { Tx } from "@/lib/db/client";

export interface RevokedGrants {
  grantIds: string[];
  accessTokens: number;
  refreshTokens: number;
}

/**
 * Revokes grants and every token issued under them, inside the caller's `changeTransaction(["revocations"])` so the
 * MCP endpoint's in-memory revocation state moves with the commit. Returns the grants that were still live.
 */
export async function revokeGrants(
  tx: Tx,
  where: { ids?: string[]; clientId?: string; userId?: string },
  reason: string,
  now = new Date(),
): Promise<RevokedGrants> {
  const live = await tx.grant.findMany({
    where: { revokedAt: null, ...(where.ids ? { id: { in: where.ids } } : {}), ...(where.clientId ? { clientId: where.clientId } : {}), ...(where.userId ? { userId: where.userId } : {}) },
    select: { id: true },
  });
  const grantIds = live.map((g) => g.id);
  if (grantIds.length === 0) return { grantIds, accessTokens: 0, refreshTokens: 0 };
  await tx.grant.updateMany({ where: { id: { in: grantIds } }, data: { revokedAt: now, revokedReason: reason } });
  const access = await tx.accessToken.updateMany({ where: { grantId: { in: grantIds }, revokedAt: null }, data: { revokedAt: now } });
  const refresh = await tx.refreshToken.updateMany({ where: { grantId: { in: grantIds }, revokedAt: null }, data: { revokedAt: now } });
  return { grantIds, accessTokens: access.count, refreshTokens: refresh.count };
}
