import { db } from "@/lib/db/client";
import { GRANT_ROW_INCLUDE, grantRows, type GrantRow } from "@/lib/grants/list-grants";

export interface GrantAccessToken {
  jti: string;
  scopes: string[];
  issuedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface GrantDetail extends GrantRow {
  resource: string;
  /** The newest access tokens that have not expired yet (revoked ones included, marked). */
  accessTokens: GrantAccessToken[];
}

/** One grant with its unexpired access tokens, for the tokens page's drawer. Null when there is no such grant. */
export async function getGrant(grantId: string, now = new Date()): Promise<GrantDetail | null> {
  const grant = await db().grant.findUnique({ where: { id: grantId }, include: GRANT_ROW_INCLUDE });
  if (!grant) return null;
  const [[row], accessTokens] = await Promise.all([
    grantRows([grant], now),
    db().accessToken.findMany({
      where: { grantId, expiresAt: { gt: now } },
      orderBy: { issuedAt: "desc" },
      take: 100,
      select: { jti: true, scopes: true, issuedAt: true, expiresAt: true, revokedAt: true },
    }),
  ]);
  return { ...row, resource: grant.resource, accessTokens };
}
