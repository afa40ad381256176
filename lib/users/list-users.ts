import { db } from "@/lib/db/client";

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  kind: "human" | "service";
  disabled: boolean;
  roles: string[];
  createdAt: Date;
  lastLoginAt: Date | null;
}

export async function listUsers(): Promise<UserSummary[]> {
  const users = await db().user.findMany({
    orderBy: { email: "asc" },
    include: { roles: { include: { role: { select: { name: true } } } } },
  });
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    kind: u.kind,
    disabled: u.disabledAt !== null,
    roles: u.roles.map((r) => r.role.name).sort(),
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  }));
}
