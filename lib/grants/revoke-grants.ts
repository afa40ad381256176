import type { Tx } from "@/lib/db/client";

export interface RevokedGrants {
  grantIds: string[];
  accessTokens: number;
  refreshTokens: number;
  /** Remembered consents removed with the grants: the next authorization asks the user again. */
  consentsWithdrawn: number;
}

/**
 * Revokes grants and every token issued under them, inside the caller's `changeTransaction(["revocations"])` so the
 * MCP endpoint's in-memory revocation state moves with the commit. Returns the grants that were still live.
 *
 * The consents behind them go too — for the grants' user and client pairs, or all of a client's or a user's: a
 * revoked authorization must not come back without the user being asked (RFC 6749 §10.2; otherwise a crafted link,
 * even with prompt=none, would mint a new code the moment after the user revoked the client).
 */
export async function revokeGrants(
  tx: Tx,
  where: { ids?: string[]; clientId?: string; userId?: string },
  reason: string,
  now = new Date(),
): Promise<RevokedGrants> {
  const live = await tx.grant.findMany({
    where: { revokedAt: null, ...(where.ids ? { id: { in: where.ids } } : {}), ...(where.clientId ? { clientId: where.clientId } : {}), ...(where.userId ? { userId: where.userId } : {}) },
    select: { id: true, userId: true, clientId: true },
  });
  const consentsWithdrawn = await withdrawConsents(tx, where, live);
  const grantIds = live.map((g) => g.id);
  if (grantIds.length === 0) return { grantIds, accessTokens: 0, refreshTokens: 0, consentsWithdrawn };
  await tx.grant.updateMany({ where: { id: { in: grantIds } }, data: { revokedAt: now, revokedReason: reason } });
  const access = await tx.accessToken.updateMany({ where: { grantId: { in: grantIds }, revokedAt: null }, data: { revokedAt: now } });
  const refresh = await tx.refreshToken.updateMany({ where: { grantId: { in: grantIds }, revokedAt: null }, data: { revokedAt: now } });
  return { grantIds, accessTokens: access.count, refreshTokens: refresh.count, consentsWithdrawn };
}

async function withdrawConsents(
  tx: Tx,
  where: { ids?: string[]; clientId?: string; userId?: string },
  live: { userId: string; clientId: string }[],
): Promise<number> {
  if (!where.ids) {
    if (!where.clientId && !where.userId) return 0;
    const { count } = await tx.consent.deleteMany({ where: { ...(where.clientId ? { clientId: where.clientId } : {}), ...(where.userId ? { userId: where.userId } : {}) } });
    return count;
  }
  const pairs = [...new Map(live.map((g) => [`${g.userId} ${g.clientId}`, { userId: g.userId, clientId: g.clientId }])).values()];
  if (pairs.length === 0) return 0;
  const { count } = await tx.consent.deleteMany({ where: { OR: pairs } });
  return count;
}
