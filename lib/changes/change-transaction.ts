import { noteChanged, type ChangeTopic } from "@/lib/changes/change-versions";
import { db, type Tx } from "@/lib/db/client";

export const CHANGE_CHANNEL = "portcullis_changes";

/** Bumps the topics' counters inside the caller's transaction and notifies other instances when it commits. */
export async function bumpChangeEpochs(tx: Tx, topics: readonly ChangeTopic[]): Promise<void> {
  for (const topic of topics) {
    await tx.$executeRaw`INSERT INTO "ChangeEpoch" ("topic", "version", "updatedAt") VALUES (${topic}, 1, now())
      ON CONFLICT ("topic") DO UPDATE SET "version" = "ChangeEpoch"."version" + 1, "updatedAt" = now()`;
  }
  // NOTIFY is transactional: delivered on commit, dropped on rollback.
  await tx.$executeRaw`SELECT pg_notify(${CHANGE_CHANNEL}, ${topics.join(",")})`;
}

/**
 * Runs a change to cached state (policy, revocations, keys, settings) in one transaction with its epoch bump, then
 * invalidates this process's caches before returning — so the caller's next request already sees the change.
 */
export async function changeTransaction<T>(topics: readonly ChangeTopic[], body: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await db().$transaction(async (tx) => {
    const value = await body(tx);
    await bumpChangeEpochs(tx, topics);
    return value;
  });
  noteChanged(topics);
  return result;
}
