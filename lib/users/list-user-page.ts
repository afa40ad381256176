import { z } from "zod";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { toUserSummary, USER_SUMMARY_INCLUDE, userFilterSchema, userWhere, type UserSummary } from "@/lib/users/list-users";

export const USER_PAGE_SIZES = [25, 50, 100] as const;
export const USER_SORT_KEYS = ["email", "name", "lastLogin", "created"] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

/** The users table's state, from the query string: filters, sort and page. Unknown values fall back to the default. */
export const userPageSchema = userFilterSchema.extend({
  sort: z.enum(USER_SORT_KEYS).default("email").catch("email"),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  size: z.coerce.number().refine((n) => (USER_PAGE_SIZES as readonly number[]).includes(n)).default(25).catch(25),
});

export type UserPageQuery = z.infer<typeof userPageSchema>;

export interface UserPage {
  rows: UserSummary[];
  total: number;
  page: number;
  pages: number;
  size: number;
}

/** The direction a column sorts in when first chosen: names A→Z, times newest first. */
export function defaultUserSortDir(sort: UserSortKey): "asc" | "desc" {
  return sort === "email" || sort === "name" ? "asc" : "desc";
}

function orderBy(query: UserPageQuery): Prisma.UserOrderByWithRelationInput[] {
  const dir = query.dir ?? defaultUserSortDir(query.sort);
  const tie: Prisma.UserOrderByWithRelationInput = { id: "asc" };
  switch (query.sort) {
    case "name":
      return [{ name: dir }, tie];
    case "lastLogin":
      return [{ lastLoginAt: { sort: dir, nulls: "last" } }, tie];
    case "created":
      return [{ createdAt: dir }, tie];
    default:
      return [{ email: dir }, tie];
  }
}

/** One page of users for the console table: searched, filtered (person or service, role, status), sorted and paged in the database. */
export async function listUserPage(query: UserPageQuery): Promise<UserPage> {
  const where = userWhere(query);
  const total = await db().user.count({ where });
  const pages = Math.max(1, Math.ceil(total / query.size));
  const page = Math.min(query.page, pages);
  const users = await db().user.findMany({
    where,
    orderBy: orderBy(query),
    skip: (page - 1) * query.size,
    take: query.size,
    include: USER_SUMMARY_INCLUDE,
  });
  return {
    rows: users.map(toUserSummary),
    total,
    page,
    pages,
    size: query.size,
  };
}
