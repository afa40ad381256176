import pg from "pg";
import { CHANGE_CHANNEL } from "@/lib/changes/change-transaction";
import { CHANGE_TOPICS, noteChanged, type ChangeTopic } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/errors";
import { noteDatabaseReachable } from "@/lib/health/database-status";
import { logger } from "@/lib/logger";

export interface ChangeWatcher {
  stop(): Promise<void>;
}

/**
 * Keeps this process's caches current with changes made by other processes (other instances, the CLI): LISTEN for
 * immediate notice where the database supports it (PostgreSQL), and a poll of the epoch counters as the safety net
 * (and the only path on embedded PGlite, whose socket does not deliver notifications between connections).
 */
export async function watchChanges(url: string, options: { pollMs?: number; listen?: boolean } = {}): Promise<ChangeWatcher> {
  const pollMs = options.pollMs ?? 1000;
  const seen = new Map<ChangeTopic, bigint>();
  let stopped = false;

  const poll = async () => {
    let rows: Array<{ topic: string; version: bigint }>;
    try {
      rows = await db().changeEpoch.findMany({ select: { topic: true, version: true } });
    } catch (error) {
      if (isDatabaseUnavailable(error)) noteDatabaseReachable(false);
      throw error;
    }
    noteDatabaseReachable(true);
    const versions = new Map(rows.map((row) => [row.topic, row.version]));
    const changed: ChangeTopic[] = [];
    for (const topic of CHANGE_TOPICS) {
      // A topic never changed has no row yet (version 0): the row's first appearance — the first revocation on a
      // fresh deployment — is a change like any other, not the baseline.
      const version = versions.get(topic) ?? BigInt(0);
      const before = seen.get(topic);
      if (before !== undefined && before !== version) changed.push(topic);
      seen.set(topic, version);
    }
    if (changed.length > 0) noteChanged(changed);
  };

  await poll();
  let polling = false;
  const timer = setInterval(() => {
    if (polling || stopped) return;
    polling = true;
    poll()
      .catch((error) => logger.warn("change poll failed", { error }))
      .finally(() => (polling = false));
  }, pollMs);
  timer.unref();

  let listener: pg.Client | undefined;
  const listen = async (): Promise<void> => {
    if (stopped || options.listen === false) return;
    const client = new pg.Client({ connectionString: url });
    let lost = false;
    const retry = (error: unknown) => {
      if (lost || stopped) return;
      lost = true;
      listener = undefined;
      void client.end().catch(() => {});
      logger.warn("change listener disconnected; polling meanwhile and reconnecting", { error });
      setTimeout(() => void listen(), 2000).unref();
    };
    client.on("notification", () => void poll().catch(() => {}));
    client.on("error", retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      listener = client;
      // Changes made while we were not listening.
      await poll();
    } catch (error) {
      retry(error);
    }
  };
  await listen();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listener?.end().catch(() => {});
    },
  };
}
