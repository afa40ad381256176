import { processState } from "@/lib/process-state";

/** Kinds of cached state. Each cache remembers the version it loaded at and reloads when the version moves. */
export type ChangeTopic = "policy" | "revocations" | "keys" | "settings";

export const CHANGE_TOPICS: readonly ChangeTopic[] = ["policy", "revocations", "keys", "settings"];

interface ChangeVersions {
  /** This process's view: bumped by its own commits and by changes the watcher sees from other processes. */
  local: Record<ChangeTopic, number>;
  listeners: Set<(topics: readonly ChangeTopic[]) => void>;
}

const state = processState<ChangeVersions>("change-versions", () => ({
  local: { policy: 0, revocations: 0, keys: 0, settings: 0 },
  listeners: new Set(),
}));

export function topicVersion(topic: ChangeTopic): number {
  return state.local[topic];
}

/** Marks topics changed in this process: caches reload on next use; listeners (e.g. in-memory deny-lists) run now. */
export function noteChanged(topics: readonly ChangeTopic[]): void {
  for (const topic of topics) state.local[topic] += 1;
  for (const listener of state.listeners) listener(topics);
}

export function onChange(listener: (topics: readonly ChangeTopic[]) => void): () => void {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}
