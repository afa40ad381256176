import { viewAuditRow } from "@/lib/audit/audit-rows";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { noteSinkLag } from "@/lib/sinks/note-sink-lag";
import { openSink } from "@/lib/sinks/opened-sink";
import { deliveryErrorMessage } from "@/lib/sinks/sink-errors";
import { measureSinkLag } from "@/lib/sinks/sink-lag";
import { SINK_TRANSPORTS } from "@/lib/sinks/transports/sink-transports";

export interface DeliveryOptions {
  /** Who holds the lease: one id per running deliverer. */
  owner: string;
  timeoutMs?: number;
  maxBackoffMs?: number;
  leaseSeconds?: number;
}

export type DeliveryOutcome =
  | { status: "leased-elsewhere" }
  | { status: "backing-off"; until: Date }
  | { status: "idle" }
  | { status: "delivered"; count: number; cursor: bigint; full: boolean }
  | { status: "failed"; error: string; failures: number; retryAt: Date };

interface LeasedSink {
  id: string;
  name: string;
  kind: string;
  endpoint: string;
  allowPrivate: boolean;
  options: unknown;
  secretSealed: string | null;
  batchSize: number;
  lagAlertEvents: number;
  lagAlertSeconds: number;
  cursor: bigint;
  failures: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  laggingSince: Date | null;
  dbNow: Date;
}

/**
 * Takes (or renews) the sink's lease: only one instance delivers a sink at a time, on any number of instances sharing
 * the database. The database's clock decides expiry, so instances with skewed clocks still agree.
 */
async function takeLease(sinkId: string, owner: string, leaseSeconds: number): Promise<LeasedSink | null> {
  const rows = await db().$queryRaw<LeasedSink[]>`
    UPDATE "AuditSink" SET "leaseOwner" = ${owner}, "leaseUntil" = now() + (${leaseSeconds}::int * interval '1 second')
    WHERE "id" = ${sinkId} AND ("leaseOwner" IS NULL OR "leaseOwner" = ${owner} OR "leaseUntil" < now())
    RETURNING "id", "name", "kind", "endpoint", "allowPrivate", "options", "secretSealed", "batchSize", "lagAlertEvents",
      "lagAlertSeconds", "cursor", "failures", "lastError", "nextAttemptAt", "laggingSince", now() AS "dbNow"`;
  return rows[0] ?? null;
}

function backoffMs(failures: number, maxBackoffMs: number): number {
  // 1 s, 2 s, 4 s … up to the bound, ±20 % so that sinks failing together do not retry in step.
  return Math.round(Math.min(1000 * 2 ** Math.min(failures - 1, 20), maxBackoffMs) * (0.8 + Math.random() * 0.4));
}

/**
 * One step of one sink: take its lease, read the events after its cursor (only the unbroken run of seq: the chain is
 * gap-free, so a gap is an append not yet visible and waits for the next pass), deliver them in order, then move the
 * cursor — only if this deliverer still holds the lease and nobody moved the cursor meanwhile. A failure leaves the
 * cursor where it was (the same events go again, at least once) and backs off exponentially up to a bound.
 */
export async function deliverSinkBatch(sinkId: string, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const config = env().sinks;
  const timeoutMs = options.timeoutMs ?? config.timeoutMs;
  const maxBackoffMs = options.maxBackoffMs ?? config.maxBackoffMs;
  const sink = await takeLease(sinkId, options.owner, options.leaseSeconds ?? config.leaseSeconds);
  if (!sink) return { status: "leased-elsewhere" };
  if (sink.nextAttemptAt && sink.nextAttemptAt > sink.dbNow) {
    await noteSinkLag(sink, await measureSinkLag(db(), sink.cursor), sink.lastError);
    return { status: "backing-off", until: sink.nextAttemptAt };
  }
  const rows = await db().auditEvent.findMany({ where: { seq: { gt: sink.cursor } }, orderBy: { seq: "asc" }, take: sink.batchSize });
  const run = rows.filter((row, i) => row.seq === sink.cursor + BigInt(i + 1));
  if (run.length === 0) {
    await noteSinkLag(sink, await measureSinkLag(db(), sink.cursor), null);
    return { status: "idle" };
  }
  const events = run.map(viewAuditRow);
  try {
    const opened = await openSink(sink, timeoutMs);
    await SINK_TRANSPORTS[opened.kind](opened, events);
  } catch (error) {
    const message = deliveryErrorMessage(error);
    const failures = sink.failures + 1;
    const delay = backoffMs(failures, maxBackoffMs);
    const [row] = await db().$queryRaw<{ nextAttemptAt: Date }[]>`
      UPDATE "AuditSink" SET "failures" = ${failures}, "lastError" = ${message}, "lastErrorAt" = now(), "attemptedAt" = now(),
        "nextAttemptAt" = now() + (${delay}::int * interval '1 millisecond')
      WHERE "id" = ${sink.id} AND "leaseOwner" = ${options.owner}
      RETURNING "nextAttemptAt"`;
    await noteSinkLag(sink, await measureSinkLag(db(), sink.cursor), message);
    return { status: "failed", error: message, failures, retryAt: row?.nextAttemptAt ?? new Date(Date.now() + delay) };
  }
  const cursor = run[run.length - 1].seq;
  await db().auditSink.updateMany({
    where: { id: sink.id, leaseOwner: options.owner, cursor: sink.cursor },
    data: { cursor, deliveredAt: new Date(), attemptedAt: new Date(), failures: 0, nextAttemptAt: null },
  });
  await noteSinkLag(sink, await measureSinkLag(db(), cursor), null);
  return { status: "delivered", count: run.length, cursor, full: run.length === sink.batchSize };
}

/** Gives up every lease this deliverer holds, so another instance (or this one restarted) takes over at once. */
export async function releaseSinkLeases(owner: string): Promise<void> {
  await db().auditSink.updateMany({ where: { leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
}
