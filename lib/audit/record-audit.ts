import { appendAudit } from "@/lib/audit/append-audit";
import { appendAuditAfter } from "@/lib/audit/append-audit-after";
import { appendInTurn } from "@/lib/audit/append-in-turn";
import type { AuditEventInput, AuditRecord } from "@/lib/audit/types";
import { db } from "@/lib/db/client";
import { processState } from "@/lib/process-state";

interface Pending {
  event: AuditEventInput;
  resolve(record: AuditRecord): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 500;
const state = processState("audit-writer", () => ({ queue: [] as Pending[], flushing: false, scheduled: false }));

/** One batch: after the tail this process last wrote (one statement), else through the locked transaction. */
function append(events: AuditEventInput[]): Promise<AuditRecord[]> {
  return appendInTurn(async (tail) => {
    const records = (tail ? await appendAuditAfter(tail, events) : null) ?? (await db().$transaction((tx) => appendAudit(tx, events)));
    return { value: records, records };
  });
}

/**
 * Starts a write unless one is running (it takes what arrives meanwhile) — after the current turn of the event loop,
 * so the requests read in this turn share the statement: a commit's fixed cost is most of a small batch's.
 */
function scheduleFlush(): void {
  if (state.flushing || state.scheduled) return;
  state.scheduled = true;
  setImmediate(() => {
    state.scheduled = false;
    void flush();
  });
}

async function flush(): Promise<void> {
  const { queue } = state;
  if (state.flushing) return;
  state.flushing = true;
  try {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const records = await append(batch.map((p) => p.event));
        batch.forEach((p, i) => p.resolve(records[i]));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
  } finally {
    state.flushing = false;
  }
}

/**
 * Records an event that is not part of a larger change (a decision, a login) and resolves once it is durable.
 * Group commit: events that arrive while a write is in flight share the next one, so throughput grows with load while
 * every caller still waits for its own commit. Rejects if the write fails — callers fail closed.
 */
export function recordAudit(event: AuditEventInput): Promise<AuditRecord> {
  return new Promise<AuditRecord>((resolve, reject) => {
    state.queue.push({ event, resolve, reject });
    scheduleFlush();
  });
}
