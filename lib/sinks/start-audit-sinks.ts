import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { deliverSinkBatch, releaseSinkLeases, type DeliveryOptions } from "@/lib/sinks/deliver-sink-batch";

export interface AuditSinkDeliverer {
  owner: string;
  /** One pass over every sink now (tests; the loop calls it on its own). */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Streams the audit chain to every configured sink from a long-running server: every PORTCULLIS_SINK_POLL_MS each
 * sink whose lease this instance holds (or can take) gets its next batch; a sink with a full batch goes again at once,
 * so a backlog drains at network speed. Stopping gives the leases back.
 */
export function startAuditSinks(overrides: Partial<Omit<DeliveryOptions, "owner">> & { pollMs?: number } = {}): AuditSinkDeliverer {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const pollMs = overrides.pollMs ?? env().sinks.pollMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const pass = async (): Promise<number> => {
    const sinks = await db().auditSink.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
    let delivered = 0;
    for (const { id } of sinks) {
      if (stopped) break;
      // Drain a backlog, but give the other sinks their turn after a few batches.
      for (let round = 0; round < 10 && !stopped; round++) {
        const outcome = await deliverSinkBatch(id, { ...overrides, owner });
        if (outcome.status === "failed") logger.warn("audit sink delivery failed", { sinkId: id, error: outcome.error, failures: outcome.failures });
        if (outcome.status !== "delivered") break;
        delivered += outcome.count;
        if (!outcome.full) break;
      }
    }
    return delivered;
  };

  const runOnce = (): Promise<number> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    runOnce()
      .catch((error) => logger.warn("audit sink pass failed; retrying at the next one", { error: String((error as Error)?.message ?? error) }))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, pollMs);
        timer.unref();
      });
  };
  timer = setTimeout(tick, 0);
  timer.unref();

  return {
    owner,
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
      await releaseSinkLeases(owner).catch(() => {});
    },
  };
}
