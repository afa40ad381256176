import type { Tx } from "@/lib/db/client";

/**
 * Shrinks a grant to `scopes` inside the caller's `changeTransaction(["revocations"])`: the grant, its refresh tokens
 * (a refresh cannot win the removed scopes back) and its access tokens' records. Live access tokens still carry the
 * old `scope` claim; the MCP endpoint cuts them down to the grant's scopes from the next call (revocation view:
 * `narrowedGrants`).
 */
export async function narrowGrantScopes(tx: Tx, grantId: string, scopes: string[], now = new Date()): Promise<void> {
  await tx.grant.update({ where: { id: grantId }, data: { scopes, scopesNarrowedAt: now } });
  await tx.$executeRaw`UPDATE "RefreshToken" SET "scopes" = ARRAY(SELECT s FROM unnest("scopes") AS s WHERE s = ANY(${scopes}::text[]))
    WHERE "grantId" = ${grantId}`;
  await tx.$executeRaw`UPDATE "AccessToken" SET "scopes" = ARRAY(SELECT s FROM unnest("scopes") AS s WHERE s = ANY(${scopes}::text[]))
    WHERE "grantId" = ${grantId}`;
}
