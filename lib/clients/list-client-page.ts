import { z } from "zod";
import { CLIENT_SUMMARY_SELECT, type ClientSummary } from "@/lib/clients/list-clients";
import { assessClientRisk, type ClientRiskAssessment } from "@/lib/clients/assess-client-risk";
import { findLookAlikes, loadLookAlikeCandidates } from "@/lib/clients/find-look-alikes";
import { redirectHosts } from "@/lib/clients/near-duplicates";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";

export const CLIENT_PAGE_SIZES = [25, 50, 100] as const;
const DAY = 86_400_000;

/**
 * The clients table's state, from the query string. Unknown values fall back to the default rather than failing: the
 * URL is the state, and a stale bookmark should still open the page.
 */
export const clientFilterSchema = z.object({
  status: z.enum(["pending", "active", "suspended", "rejected"]).optional().catch(undefined),
  source: z.enum(["dcr", "cimd", "manual", "authkit"]).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  /** Last use: never, within a day/week/month, or not for over a month (never included). */
  used: z.enum(["never", "day", "week", "month", "stale"]).optional().catch(undefined),
  sort: z.enum(["created", "name", "lastUsed", "status"]).default("created").catch("created"),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  size: z.coerce.number().refine((n) => (CLIENT_PAGE_SIZES as readonly number[]).includes(n)).default(25).catch(25),
});

export type ClientFilter = z.infer<typeof clientFilterSchema>;

export interface ClientRow extends ClientSummary {
  requestedScopes: string[];
  clientUri: string | null;
  softwareId: string | null;
  /** Non-loopback redirect hosts, plus "loopback" when it listens locally. */
  redirectHosts: string[];
  lookAlikes: { id: string; name: string }[];
  risk: ClientRiskAssessment;
}

export interface ClientPage {
  rows: ClientRow[];
  total: number;
  page: number;
  pages: number;
  size: number;
}

function where(filter: ClientFilter, now: Date): Prisma.ClientWhereInput {
  const and: Prisma.ClientWhereInput[] = [];
  if (filter.status) and.push({ status: filter.status });
  if (filter.source) and.push({ source: filter.source });
  if (filter.q) and.push({ OR: [{ name: { contains: filter.q, mode: "insensitive" } }, { id: { contains: filter.q, mode: "insensitive" } }] });
  const since = (days: number) => new Date(now.getTime() - days * DAY);
  if (filter.used === "never") and.push({ lastUsedAt: null });
  if (filter.used === "day") and.push({ lastUsedAt: { gte: since(1) } });
  if (filter.used === "week") and.push({ lastUsedAt: { gte: since(7) } });
  if (filter.used === "month") and.push({ lastUsedAt: { gte: since(30) } });
  if (filter.used === "stale") and.push({ OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: since(30) } }] });
  return and.length ? { AND: and } : {};
}

function orderBy(filter: ClientFilter): Prisma.ClientOrderByWithRelationInput[] {
  const dir = filter.dir ?? (filter.sort === "name" || filter.sort === "status" ? "asc" : "desc");
  const tie: Prisma.ClientOrderByWithRelationInput = { id: "asc" };
  switch (filter.sort) {
    case "name":
      return [{ name: dir }, tie];
    case "status":
      return [{ status: dir }, { createdAt: "desc" }, tie];
    case "lastUsed":
      return [{ lastUsedAt: { sort: dir, nulls: "last" } }, tie];
    default:
      return [{ createdAt: dir }, tie];
  }
}

/**
 * One page of clients for the console table: filtered, sorted and paged in the database. Offset pagination with a
 * total: clients number in the thousands at most, so counting and skipping cost little, and a reviewer gets page
 * numbers and "n of N" — which keyset pagination (the audit log's, for millions of rows) cannot give.
 */
export async function listClientPage(filter: ClientFilter, now = new Date()): Promise<ClientPage> {
  const condition = where(filter, now);
  const total = await db().client.count({ where: condition });
  const pages = Math.max(1, Math.ceil(total / filter.size));
  const page = Math.min(filter.page, pages);
  const [rows, candidates] = await Promise.all([
    db().client.findMany({
    where: condition,
    orderBy: orderBy(filter),
    skip: (page - 1) * filter.size,
    take: filter.size,
    select: { ...CLIENT_SUMMARY_SELECT, requestedScopes: true, clientUri: true, softwareId: true },
    }),
    loadLookAlikeCandidates(),
  ]);
  return {
    rows: rows.map((c) => {
      const lookAlikes = findLookAlikes(c, candidates).map((l) => ({ id: l.id, name: l.name }));
      const hosts = redirectHosts(c.redirectUris);
      const loopback = c.redirectUris.some((u) => URL.canParse(u) && ["127.0.0.1", "[::1]", "localhost"].includes(new URL(u).hostname.toLowerCase()));
      return {
        ...c,
        redirectHosts: [...hosts.sort(), ...(loopback ? ["loopback"] : [])],
        lookAlikes,
        risk: assessClientRisk({ ...c, lookAlikes: lookAlikes.map((l) => l.name) }),
      };
    }),
    total,
    page,
    pages,
    size: filter.size,
  };
}
