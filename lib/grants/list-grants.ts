import { z } from "zod";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";

export const GRANT_PAGE_SIZES = [25, 50, 100] as const;

const HOUR = 3_600_000;
export const EXPIRY_WINDOWS = { "1h": HOUR, "24h": 24 * HOUR, "7d": 7 * 24 * HOUR } as const;

/** The grants table's state, from the query string; unknown values fall back to the default. */
export const grantFilterSchema = z.object({
  client: z.string().trim().max(2000).optional().catch(undefined),
  /** A user's email or id. */
  user: z.string().trim().max(320).optional().catch(undefined),
  status: z.enum(["active", "revoked", "expired"]).optional().catch(undefined),
  /** Active grants whose last live token expires within this window. */
  expires: z.enum(["1h", "24h", "7d"]).optional().catch(undefined),
  sort: z.enum(["created", "lastUsed"]).default("created").catch("created"),
  dir: z.enum(["asc", "desc"]).default("desc").catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  size: z.coerce.number().refine((n) => (GRANT_PAGE_SIZES as readonly number[]).includes(n)).default(25).catch(25),
});

export type GrantFilter = z.infer<typeof grantFilterSchema>;
export type GrantStatus = "active" | "revoked" | "expired";

export interface GrantRow {
  id: string;
  userId: string;
  userEmail: string;
  userKind: "human" | "service";
  clientId: string;
  clientName: string;
  clientStatus: string;
  scopes: string[];
  grantType: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  status: GrantStatus;
  liveAccessTokens: number;
  liveRefreshTokens: number;
  /** When the last live token (access or refresh) expires: after that the grant can no longer be used. */
  expiresAt: Date | null;
}

export interface GrantPage {
  rows: GrantRow[];
  total: number;
  page: number;
  pages: number;
  size: number;
}

/** A token that can still be used: not revoked, not expired (and, for a refresh token, not spent). */
const liveAccess = (now: Date, after = now): Prisma.AccessTokenWhereInput => ({ revokedAt: null, expiresAt: { gt: after } });
const liveRefresh = (now: Date, after = now): Prisma.RefreshTokenWhereInput => ({ revokedAt: null, usedAt: null, expiresAt: { gt: after } });

function grantWhere(filter: GrantFilter, userIds: string[] | undefined, now: Date): Prisma.GrantWhereInput {
  const and: Prisma.GrantWhereInput[] = [];
  if (filter.client) and.push({ clientId: filter.client });
  if (userIds) and.push({ userId: { in: userIds } });
  const usable: Prisma.GrantWhereInput = { OR: [{ accessTokens: { some: liveAccess(now) } }, { refreshTokens: { some: liveRefresh(now) } }] };
  if (filter.status === "revoked") and.push({ revokedAt: { not: null } });
  if (filter.status === "active") and.push({ revokedAt: null }, usable);
  if (filter.status === "expired") and.push({ revokedAt: null, accessTokens: { none: liveAccess(now) }, refreshTokens: { none: liveRefresh(now) } });
  if (filter.expires) {
    const horizon = new Date(now.getTime() + EXPIRY_WINDOWS[filter.expires]);
    // Usable now, and nothing usable beyond the horizon.
    and.push({ revokedAt: null }, usable, { accessTokens: { none: liveAccess(now, horizon) }, refreshTokens: { none: liveRefresh(now, horizon) } });
  }
  return and.length ? { AND: and } : {};
}

export const GRANT_ROW_INCLUDE = { user: { select: { email: true, kind: true } }, client: { select: { name: true, status: true } } } as const;
type GrantWithParties = Prisma.GrantGetPayload<{ include: typeof GRANT_ROW_INCLUDE }>;

/** Grants as the console shows them: status, live token counts and expiry, from two grouped reads. */
export async function grantRows(grants: GrantWithParties[], now: Date): Promise<GrantRow[]> {
  const ids = grants.map((g) => g.id);
  const [access, refresh] = ids.length
    ? await Promise.all([
        db().accessToken.groupBy({ by: ["grantId"], where: { grantId: { in: ids }, ...liveAccess(now) }, _count: { _all: true }, _max: { expiresAt: true } }),
        db().refreshToken.groupBy({ by: ["grantId"], where: { grantId: { in: ids }, ...liveRefresh(now) }, _count: { _all: true }, _max: { expiresAt: true } }),
      ])
    : [[], []];
  const accessOf = new Map(access.map((a) => [a.grantId, a]));
  const refreshOf = new Map(refresh.map((r) => [r.grantId, r]));
  return grants.map((g) => {
    const a = accessOf.get(g.id);
    const r = refreshOf.get(g.id);
    const expiries = [a?._max.expiresAt, r?._max.expiresAt].filter((d): d is Date => d instanceof Date);
    const usable = (a?._count._all ?? 0) + (r?._count._all ?? 0) > 0;
    return {
      id: g.id,
      userId: g.userId,
      userEmail: g.user.email,
      userKind: g.user.kind,
      clientId: g.clientId,
      clientName: g.client.name,
      clientStatus: g.client.status,
      scopes: g.scopes,
      grantType: g.grantType,
      createdAt: g.createdAt,
      lastUsedAt: g.lastUsedAt,
      revokedAt: g.revokedAt,
      revokedReason: g.revokedReason,
      status: g.revokedAt ? "revoked" : usable ? "active" : "expired",
      liveAccessTokens: g.revokedAt ? 0 : (a?._count._all ?? 0),
      liveRefreshTokens: g.revokedAt ? 0 : (r?._count._all ?? 0),
      expiresAt: g.revokedAt || expiries.length === 0 ? null : new Date(Math.max(...expiries.map((d) => d.getTime()))),
    };
  });
}

/** The users a filter's `user` names: by email (case-insensitive, exact) or id. */
async function matchingUserIds(user: string | undefined): Promise<string[] | undefined> {
  if (!user) return undefined;
  const rows = await db().user.findMany({ where: { OR: [{ email: user.toLowerCase() }, { id: user }] }, select: { id: true } });
  return rows.map((r) => r.id);
}

/**
 * One page of grants — each user's authorization of each client — with their live tokens, filtered by client, user,
 * status and expiry. A grant is `active` while it holds a usable token, `expired` when every token has run out (a new
 * authorization is needed; a client_credentials client starts a new token under the same grant), `revoked` when someone
 * or something revoked it. Offset pagination with a total, as for clients: grants number one per authorization.
 */
export async function listGrants(filter: GrantFilter, now = new Date()): Promise<GrantPage> {
  const userIds = await matchingUserIds(filter.user);
  const where = grantWhere(filter, userIds, now);
  const total = await db().grant.count({ where });
  const pages = Math.max(1, Math.ceil(total / filter.size));
  const page = Math.min(filter.page, pages);
  const orderBy: Prisma.GrantOrderByWithRelationInput[] =
    filter.sort === "lastUsed" ? [{ lastUsedAt: { sort: filter.dir, nulls: "last" } }, { id: "asc" }] : [{ createdAt: filter.dir }, { id: "asc" }];
  const grants = await db().grant.findMany({ where, orderBy, skip: (page - 1) * filter.size, take: filter.size, include: GRANT_ROW_INCLUDE });
  const rows = await grantRows(grants, now);
  return { rows, total, page, pages, size: filter.size };
}
