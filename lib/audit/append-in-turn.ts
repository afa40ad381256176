import type { ChainTail } from "@/lib/audit/append-audit";
import { noteAuditHead } from "@/lib/audit/schedule-audit-checkpoints";
import type { AuditRecord } from "@/lib/audit/types";
import { processState } from "@/lib/process-state";

const state = processState("audit-chain-turn", () => ({ tail: null as ChainTail | null, previous: Promise.resolve() as Promise<unknown> }));

/**
 * Runs this process's group-commit writers (decisions and other events, issued tokens) one append at a time, each
 * handed the tail the last one left — null when unknown, and the append then reads it under the chain lock. In turn,
 * so that two writers of one process never race for the same next seq; with the tail shared, so that each can attach
 * in one statement. What the append wrote becomes the next tail; a failure forgets it.
 */
export function appendInTurn<T>(append: (tail: ChainTail | null) => Promise<{ value: T; records: AuditRecord[] }>): Promise<T> {
  const turn = state.previous.then(async () => {
    try {
      const { value, records } = await append(state.tail);
      const last = records[records.length - 1];
      if (last) {
        state.tail = { seq: last.seq, hash: last.hash, at: last.at };
        noteAuditHead(last.seq);
      }
      return value;
    } catch (error) {
      state.tail = null;
      throw error;
    }
  });
  state.previous = turn.catch(() => {});
  return turn;
}
