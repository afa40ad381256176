import type { Tx } from "@/lib/db/client";

// Clock skew accepted on `exp` at /mcp, plus room for a token whose row committed a moment after this read.
const EXPIRY_MARGIN_MS = 2 * 60_000;

export interface RemovedClient {
  id: string;
  name: string;
  status: string;
  source: string;
  liveGrants: number;
  liveAccessTokens: number;
  refreshTokens: number;
  /** Until when the client id stays on the deny-list (its last access token's expiry), or null when none was live. */
  blockedUntil: Date | null;
}

/**
 * Deletes clients with everything issued to them — grants, access and refresh tokens, consents, pending codes — inside
 * the caller's `changeTransaction(["policy", "revocations"])`. The revocation view at /mcp is built from revoked rows,
 * and deleted rows cannot say "revoked"; so while an access token of a deleted client could still be unexpired, its
 * client id goes on the deny-list (`Revocation`, kind `client`) until that token's expiry. Without it, a Client ID
 * Metadata Document or AuthKit client re-created under the same id could make such a token count again.
 */
export async function removeClients(tx: Tx, clientIds: readonly string[], reason: string, actor: string, now = new Date()): Promise<RemovedClient[]> {
  if (clientIds.length === 0) return [];
  const clients = await tx.client.findMany({ where: { id: { in: [...clientIds] } }, select: { id: true, name: true, status: true, source: true } });
  const ids = clients.map((c) => c.id);
  const stillLive = new Date(now.getTime() - EXPIRY_MARGIN_MS);
  // Only clients with grants can have tokens (a pruned pending client has none): look at those one by one.
  const withGrants = await tx.grant.groupBy({ by: ["clientId"], where: { clientId: { in: ids } }, _count: { _all: true } });
  const tokensOf = new Map<string, { liveGrants: number; liveAccessTokens: number; refreshTokens: number; lastExpiry: Date | null }>();
  for (const { clientId } of withGrants) {
    // One after another: a transaction is one connection, which runs one query at a time.
    const liveGrants = await tx.grant.count({ where: { clientId, revokedAt: null } });
    const liveAccessTokens = await tx.accessToken.count({ where: { grant: { clientId }, revokedAt: null, expiresAt: { gt: now } } });
    // Revoked ones too: their "revoked" row goes with the client.
    const lastExpiry = await tx.accessToken.aggregate({ where: { grant: { clientId }, expiresAt: { gt: stillLive } }, _max: { expiresAt: true } });
    const refreshTokens = await tx.refreshToken.count({ where: { grant: { clientId }, revokedAt: null, usedAt: null, expiresAt: { gt: now } } });
    tokensOf.set(clientId, { liveGrants, liveAccessTokens, refreshTokens, lastExpiry: lastExpiry._max.expiresAt });
  }
  const removed: RemovedClient[] = clients.map((c) => {
    const tokens = tokensOf.get(c.id);
    return {
      ...c,
      liveGrants: tokens?.liveGrants ?? 0,
      liveAccessTokens: tokens?.liveAccessTokens ?? 0,
      refreshTokens: tokens?.refreshTokens ?? 0,
      blockedUntil: tokens?.lastExpiry ? new Date(tokens.lastExpiry.getTime() + EXPIRY_MARGIN_MS) : null,
    };
  });
  for (const client of removed) {
    if (!client.blockedUntil) continue;
    const existing = await tx.revocation.findUnique({ where: { kind_value: { kind: "client", value: client.id } } });
    // A standing (permanent or longer) deny-list entry already covers the window; keep it as it is.
    if (existing && (existing.expiresAt === null || existing.expiresAt >= client.blockedUntil)) continue;
    await tx.revocation.upsert({
      where: { kind_value: { kind: "client", value: client.id } },
      create: { kind: "client", value: client.id, reason: `client ${client.name} deleted: ${reason}`, createdBy: actor, expiresAt: client.blockedUntil },
      update: { expiresAt: client.blockedUntil },
    });
  }
  await tx.authorizationCode.deleteMany({ where: { clientId: { in: ids } } });
  await tx.deviceCode.deleteMany({ where: { clientId: { in: ids } } });
  // Grants, tokens and consents go with the client (ON DELETE CASCADE).
  await tx.client.deleteMany({ where: { id: { in: ids } } });
  return removed;
}
