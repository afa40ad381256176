import { db } from "@/lib/db/client";

export interface DashboardCounts {
  clients: Record<"pending" | "active" | "suspended" | "rejected", number>;
  users: { total: number; disabled: number };
  roles: number;
  activeGrants: number;
  last24h: { allow: number; deny: number; events: number };
}

export async function dashboardCounts(now = new Date()): Promise<DashboardCounts> {
  const since = new Date(now.getTime() - 24 * 3600 * 1000);
  const database = db();
  const [clientGroups, users, disabled, roles, activeGrants, decisions, events] = await Promise.all([
    database.client.groupBy({ by: ["status"], _count: { _all: true } }),
    database.user.count(),
    database.user.count({ where: { disabledAt: { not: null } } }),
    database.role.count(),
    database.grant.count({ where: { revokedAt: null } }),
    database.auditEvent.groupBy({ by: ["decision"], where: { at: { gte: since }, decision: { not: null } }, _count: { _all: true } }),
    database.auditEvent.count({ where: { at: { gte: since } } }),
  ]);
  const clients = { pending: 0, active: 0, suspended: 0, rejected: 0 };
  for (const group of clientGroups) clients[group.status] = group._count._all;
  const decisionCount = (d: string) => decisions.find((g) => g.decision === d)?._count._all ?? 0;
  return {
    clients,
    users: { total: users, disabled },
    roles,
    activeGrants,
    last24h: { allow: decisionCount("allow"), deny: decisionCount("deny"), events },
  };
}
