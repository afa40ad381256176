import { z } from "zod";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  kind: "human" | "service";
  disabled: boolean;
  roles: string[];
  createdAt: Date;
  lastLoginAt: Date | null;
  activeGrants: number;
}

/** Filters from the users page's query string; anything unrecognised is ignored rather than an error. */
export const userFilterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  role: z.string().trim().max(63).optional().catch(undefined),
  status: z.enum(["enabled", "disabled"]).optional().catch(undefined),
  kind: z.enum(["human", "service"]).optional().catch(undefined),
});

export type UserFilter = z.infer<typeof userFilterSchema>;

/** The filters as a query: search by email or name, role, status, person or service. */
export function userWhere(filter: UserFilter): Prisma.UserWhereInput {
  const where: Prisma.UserWhereInput = {};
  if (filter.q) {
    where.OR = [
      { email: { contains: filter.q, mode: "insensitive" } },
      { name: { contains: filter.q, mode: "insensitive" } },
    ];
  }
  if (filter.role) where.roles = { some: { role: { name: filter.role } } };
  if (filter.status) where.disabledAt = filter.status === "disabled" ? { not: null } : null;
  if (filter.kind) where.kind = filter.kind;
  return where;
}

/** What a user row reads besides the user: role names and the number of live grants. */
export const USER_SUMMARY_INCLUDE = {
  roles: { include: { role: { select: { name: true } } } },
  _count: { select: { grants: { where: { revokedAt: null } } } },
} satisfies Prisma.UserInclude;

type UserWithSummary = Prisma.UserGetPayload<{ include: typeof USER_SUMMARY_INCLUDE }>;

export function toUserSummary(u: UserWithSummary): UserSummary {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    kind: u.kind as UserSummary["kind"],
    disabled: u.disabledAt !== null,
    roles: u.roles.map((r) => r.role.name).sort(),
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
    activeGrants: u._count.grants,
  };
}

export async function listUsers(filter: UserFilter = {}): Promise<UserSummary[]> {
  const users = await db().user.findMany({ where: userWhere(filter), orderBy: { email: "asc" }, include: USER_SUMMARY_INCLUDE });
  return users.map(toUserSummary);
}
