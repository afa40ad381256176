/**
 * The SQL of the token write, built here once and named: commitAccessToken's one-statement batch and its transactional
 * fallback record the same rows through the same text. Parameters are placeholders the caller names (`$1`), never
 * values; the five token columns come from tokenColumns in commit-access-token.ts.
 */

/** Marks the grants of one text[] parameter used now and returns the ids of those still live (not revoked). */
export function markGrantsLive(grantIds: string): string {
  return `UPDATE "Grant" SET "lastUsedAt" = now() WHERE "id" = ANY(${grantIds}::text[]) AND "revokedAt" IS NULL RETURNING "id"`;
}

/**
 * Inserts one AccessToken row per element of five parallel text[] parameters — jti, grant id, space-separated scopes,
 * issued and expiry instants in ISO 8601 — all of them or, when `where` is false, none. One statement for the whole
 * batch: the row-per-token cost is what limits an embedded database.
 */
export function insertAccessTokens(
  columns: { jtis: string; grantIds: string; scopes: string; issuedAt: string; expiresAt: string },
  where?: string,
): string {
  const { jtis, grantIds, scopes, issuedAt, expiresAt } = columns;
  return `INSERT INTO "AccessToken" ("jti", "grantId", "scopes", "issuedAt", "expiresAt")
    SELECT j, g, string_to_array(s, ' '), (i::timestamptz AT TIME ZONE 'UTC'), (e::timestamptz AT TIME ZONE 'UTC')
    FROM unnest(${jtis}::text[], ${grantIds}::text[], ${scopes}::text[], ${issuedAt}::text[], ${expiresAt}::text[]) AS t(j, g, s, i, e)${
      where ? `\n    WHERE ${where}` : ""
    }`;
}
