import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { processState } from "@/lib/process-state";

const state = processState("audit-checkpoints", () => ({
  /** The newest event this process appended (or saw appended in its transactions). */
  head: 0n,
  /** The newest checkpoint this process knows of, written by it or by any other instance. */
  checkpointed: 0n,
  /** PORTCULLIS_AUDIT_CHECKPOINT_EVENTS, read when started: noteAuditHead runs on every append. */
  everyEvents: 0n,
  running: null as Promise<void> | null,
  /** After a failure, appends do not retry before this time (ms): the clock does, once an interval. */
  quietUntil: 0,
  timer: null as NodeJS.Timeout | null,
}));

/**
 * Signs the head if a checkpoint is due: `everyEvents` appended since the newest checkpoint (whoever wrote it), or,
 * with anything appended since, `everySeconds` gone by. Every instance runs this; the newest checkpoint in the table is
 * what they agree on, so a busy cluster writes about one checkpoint per interval rather than one per instance, and two
 * instances signing the same head write one row (writeAuditCheckpoint).
 */
async function checkpointIfDue(force: boolean): Promise<void> {
  // Nothing this process appended is unanchored: no database work at all (an idle server's clock ticks for free).
  if (state.head <= state.checkpointed) return;
  const { everyEvents, everySeconds } = env().auditCheckpoint;
  const newest = await db().auditCheckpoint.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, at: true } });
  if (newest && newest.seq > state.checkpointed) state.checkpointed = newest.seq;
  if (state.head <= state.checkpointed) return;
  const stale = !newest || Date.now() - newest.at.getTime() >= everySeconds * 1000;
  if (!force && !stale && state.head - state.checkpointed < BigInt(everyEvents)) return;
  const written = await writeAuditCheckpoint();
  if (written && BigInt(written.seq) > state.checkpointed) state.checkpointed = BigInt(written.seq);
}

/** One check at a time per process; a failure is logged (an unreachable database, or tampering) and retried later. */
function runCheckpoint(force: boolean): Promise<void> {
  state.running ??= checkpointIfDue(force)
    .catch((error) => {
      state.quietUntil = Date.now() + env().auditCheckpoint.everySeconds * 1000;
      logger.error("audit checkpoint failed", { error });
    })
    .finally(() => {
      state.running = null;
    });
  return state.running;
}

/**
 * Called by every append with the last seq it wrote: the only work checkpointing adds to the hot path is this
 * comparison. A due checkpoint is written after the caller's commit, never inside it — and only by a server (started
 * below): a CLI command is over in a moment, and its output is its answer, not a log.
 */
export function noteAuditHead(seq: bigint): void {
  if (seq > state.head) state.head = seq;
  if (!state.timer || seq - state.checkpointed < state.everyEvents || state.running || Date.now() < state.quietUntil) return;
  // Stopped meanwhile (a server shutting down): its final checkpoint takes over.
  setImmediate(() => {
    if (state.timer) void runCheckpoint(false);
  });
}

/**
 * Checkpoints as the log grows, in a long-running server: after every N events, and on a clock so that a quiet
 * deployment's last events are anchored too.
 */
export function startAuditCheckpoints(): void {
  if (state.timer) return;
  state.everyEvents = BigInt(env().auditCheckpoint.everyEvents);
  // Twice an interval, so a checkpoint falls due at most half an interval late.
  state.timer = setInterval(() => void runCheckpoint(false), env().auditCheckpoint.everySeconds * 500);
  state.timer.unref();
}

/**
 * Stops the clock and waits for a checkpoint in progress. `final` (a server shutting down gracefully): signs what this
 * process appended since the newest checkpoint, so the head it leaves is anchored.
 */
export async function stopAuditCheckpoints({ final }: { final: boolean }): Promise<void> {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  await state.running;
  if (final) await runCheckpoint(true);
}

/**
 * Waits for a checkpoint in progress, then forgets what this process knew of the head and the checkpoints: for a log
 * that was erased on purpose (a test, a benchmark seeding synthetic events), never in service.
 */
export async function forgetAuditCheckpoints(): Promise<void> {
  await state.running;
  Object.assign(state, { head: 0n, checkpointed: 0n, quietUntil: 0 });
}
