import { applyAuditRetention } from "@/lib/audit/apply-audit-retention";
import { SYSTEM_CONTEXT } from "@/lib/audit/context";
import { ensureAuditPartitions } from "@/lib/audit/ensure-audit-partitions";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

const HOUR_MS = 3_600_000;

/** One pass: next months' partitions first (an insert must never lack one), then retention when it is set. */
export async function runAuditPartitionMaintenance(): Promise<void> {
  const created = await ensureAuditPartitions();
  if (created > 0) logger.info("audit partitions created", { created });
  if (env().auditPartitions.retentionDays > 0) {
    const { archived } = await applyAuditRetention(SYSTEM_CONTEXT);
    for (const month of archived) logger.info("audit month archived and dropped", { ...month, checkpoint: undefined });
  }
}

/**
 * Keeps the audit table's partitions ahead of time and applies retention, at start and then hourly (jittered), on
 * every server instance: the partition function serialises itself and retention takes a lock, so instances never
 * collide. Months are created PORTCULLIS_AUDIT_PARTITIONS_AHEAD ahead, so a run missed for days changes nothing; a
 * failed pass is logged and retried at the next one. Does nothing on the embedded database.
 */
export function startAuditPartitionMaintenance(): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    running = runAuditPartitionMaintenance()
      .catch((error) => logger.warn("audit partition maintenance failed; retrying at the next pass", { error: String((error as Error)?.message ?? error) }))
      .finally(() => {
        running = undefined;
        if (stopped) return;
        timer = setTimeout(tick, HOUR_MS * (0.9 + Math.random() * 0.2));
        timer.unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
