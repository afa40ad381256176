import { expireApprovalRequests } from "@/lib/approvals/expire-approval-requests";
import { retryApprovalNotifications } from "@/lib/approvals/notify-approval-request";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { sweepExpiredArtefacts } from "@/lib/maintenance/sweep-expired-artefacts";
import { sweepRateLimitCounters } from "@/lib/maintenance/sweep-rate-limit-counters";
import { summarizeThrottles } from "@/lib/rate-limit";
import { closeDueReviewCampaigns } from "@/lib/reviews/close-review-campaign";

/** One pass: summaries of closed throttle windows first (their counters go next), then the sweeps. */
export async function runMaintenance(): Promise<void> {
  await summarizeThrottles();
  await sweepRateLimitCounters({ batch: env().sweep.batch });
  await sweepExpiredArtefacts();
  // Access reviews past their due date: undecided items follow the campaign's setting.
  await closeDueReviewCampaigns();
  // Held calls nobody decided (or an approval nobody used) in time: expired, each with its audit event.
  await expireApprovalRequests();
  // Notifications of new approval requests that failed and are due again (after a restart too).
  await retryApprovalNotifications();
}

/**
 * Runs maintenance on this instance every PORTCULLIS_SWEEP_INTERVAL seconds, jittered (±20 %, and a random first
 * delay) so that instances started together do not sweep in step. Every step is safe to run on several instances at
 * once. A failed pass is logged and retried at the next tick.
 */
export function startMaintenance(): { stop(): Promise<void> } {
  const intervalMs = env().sweep.intervalSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  const tick = () => {
    running = runMaintenance()
      .catch((error) => logger.warn("maintenance pass failed; retrying at the next one", { error: String((error as Error)?.message ?? error) }))
      .finally(() => {
        running = undefined;
        schedule(intervalMs * (0.8 + Math.random() * 0.4));
      });
  };
  schedule(Math.random() * intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
