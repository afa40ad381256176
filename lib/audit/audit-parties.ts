import type { AuditEventView } from "@/lib/audit/list-audit-events";
import type { Db } from "@/lib/db/client";

export interface AuditParties {
  /** user id → email */
  users: Record<string, string>;
  /** client id → name */
  clients: Record<string, string>;
}

/** Names for the users and clients a page of events mentions, so reviewers read emails and names, not ids. */
export async function auditParties(database: Db, events: readonly AuditEventView[]): Promise<AuditParties> {
  const userIds = new Set<string>();
  const clientIds = new Set<string>();
  for (const e of events) {
    if (e.subject) userIds.add(e.subject);
    if (e.actor?.startsWith("user:")) userIds.add(e.actor.slice(5));
    if (e.actor?.startsWith("client:")) clientIds.add(e.actor.slice(7));
    if (e.clientId) clientIds.add(e.clientId);
  }
  const [users, clients] = await Promise.all([
    userIds.size ? database.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, email: true } }) : [],
    clientIds.size ? database.client.findMany({ where: { id: { in: [...clientIds] } }, select: { id: true, name: true } }) : [],
  ]);
  return {
    users: Object.fromEntries(users.map((u) => [u.id, u.email])),
    clients: Object.fromEntries(clients.map((c) => [c.id, c.name])),
  };
}
