import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { removeClients } from "@/lib/clients/remove-clients";
import { db, type Db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/** At most this many clients per prune, so one transaction stays short; run again for the rest. */
export const PRUNE_BATCH = 1_000;

export interface StaleClientPrune {
  olderThanDays: number;
  /** True when nothing was deleted (a dry run). */
  dryRun: boolean;
  /** How many match (dry run) or were deleted. */
  count: number;
  /** Matching clients beyond this batch, left for the next run. */
  remaining: number;
  /** The oldest matching clients, for the confirmation screen. */
  sample: Array<{ id: string; name: string; createdAt: Date; registrationIp: string | null }>;
}

function staleWhere(olderThanDays: number, now: Date) {
  // Never used: no token request ever authenticated it, and nobody ever authorized it.
  return { status: "pending" as const, createdAt: { lt: new Date(now.getTime() - olderThanDays * 86_400_000) }, lastUsedAt: null, grants: { none: {} } };
}

async function findStale(database: Db | Tx, olderThanDays: number, now: Date) {
  const where = staleWhere(olderThanDays, now);
  const [total, rows] = await Promise.all([
    database.client.count({ where }),
    database.client.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: PRUNE_BATCH, select: { id: true, name: true, createdAt: true, registrationIp: true } }),
  ]);
  return { total, rows };
}

/**
 * Deletes pending clients that registered more than `olderThanDays` days ago and were never used — the debris of
 * clients that register on every start, and of registration floods that would otherwise fill the pending cap. With
 * `dryRun`, only counts them (the console shows that count before asking to confirm). Each deleted client gets its own
 * `client.deleted` event, so its history stays findable by client id.
 */
export async function pruneStaleClients(
  options: { olderThanDays: number; dryRun?: boolean },
  ctx: AuditContext,
  now = new Date(),
): Promise<StaleClientPrune> {
  const { olderThanDays } = options;
  if (!Number.isInteger(olderThanDays) || olderThanDays < 1 || olderThanDays > 3650) {
    throw new AppError("invalid_input", "Choose an age between 1 and 3650 days.");
  }
  if (options.dryRun) {
    const { total, rows } = await findStale(db(), olderThanDays, now);
    return { olderThanDays, dryRun: true, count: total, remaining: Math.max(0, total - rows.length), sample: rows.slice(0, 20) };
  }
  return changeTransaction(["policy", "revocations"], async (tx) => {
    const { total, rows } = await findStale(tx, olderThanDays, now);
    const reason = `pending for over ${olderThanDays} day(s) and never used`;
    const removed = await removeClients(tx, rows.map((r) => r.id), reason, ctx.actor, now);
    await appendAudit(
      tx,
      removed.map((client) => ({
        kind: "client.deleted" as const,
        actor: ctx.actor,
        clientId: client.id,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `client ${client.name} (pending) pruned: ${reason}`,
        detail: { name: client.name, status: client.status, source: client.source, prune: { olderThanDays }, reason },
      })),
    );
    return { olderThanDays, dryRun: false, count: removed.length, remaining: Math.max(0, total - removed.length), sample: rows.slice(0, 20) };
  });
}
