import type { AuditContext, AuditEventInput } from "@/lib/audit";
import { removeClients } from "@/lib/clients/remove-clients";
import type { Tx } from "@/lib/db/client";
import { TemporarilyUnavailable } from "@/lib/oauth/errors";
import { addressBucket } from "@/lib/rate-limit";
import type { RegistrationPolicy } from "@/lib/settings/registration-policy";

interface PendingRow {
  id: string;
  registrationIp: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  grants: Array<{ id: string }>;
}

/**
 * Makes room for one more pending client, inside the caller's registration transaction (which holds the registration
 * lock, so the counts are exact): refused (503) while the pending queue is full in total, or for the registering
 * address bucket (IPv4 address, IPv6 /64) — so that a handful of addresses cannot fill the queue for everyone. With
 * `prunePendingWhenFull` on, the oldest never-used pending client older than its age (of that bucket, or overall) is
 * deleted to make room instead; its `client.deleted` events are returned for the caller to append with its own.
 */
export async function admitPendingClient(tx: Tx, policy: RegistrationPolicy, ctx: AuditContext, now = new Date()): Promise<AuditEventInput[]> {
  // The pending queue is bounded by the total cap, so reading it whole is bounded too.
  const pending: PendingRow[] = await tx.client.findMany({
    where: { status: "pending" },
    select: { id: true, registrationIp: true, createdAt: true, lastUsedAt: true, grants: { select: { id: true }, take: 1 } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const bucket = addressBucket(ctx.ip);
  const fromBucket = pending.filter((c) => addressBucket(c.registrationIp) === bucket);
  const full =
    pending.length >= policy.maxPendingClients
      ? { among: pending, why: `${policy.maxPendingClients} client registrations are already waiting for approval` }
      : fromBucket.length >= policy.maxPendingClientsPerAddress
        ? { among: fromBucket, why: `${policy.maxPendingClientsPerAddress} client registrations from this address are already waiting for approval` }
        : null;
  if (!full) return [];

  const { enabled, olderThanDays } = policy.prunePendingWhenFull;
  const staleBefore = now.getTime() - olderThanDays * 86_400_000;
  const stale = enabled ? full.among.find((c) => c.createdAt.getTime() < staleBefore && c.lastUsedAt === null && c.grants.length === 0) : undefined;
  if (!stale) throw new TemporarilyUnavailable(`${full.why}; try again after an administrator has reviewed them.`);

  const reason = `pending for over ${olderThanDays} day(s) and never used; pruned to make room for a new registration (${full.why})`;
  const removed = await removeClients(tx, [stale.id], reason, "system", now);
  return removed.map((client) => ({
    kind: "client.deleted" as const,
    actor: "system",
    clientId: client.id,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: `client ${client.name} (pending) pruned: ${reason}`,
    detail: { name: client.name, status: client.status, source: client.source, prune: { olderThanDays, whenFull: true }, reason },
  }));
}
