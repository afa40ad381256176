import { db } from "@/lib/db/client";
import { createSigningKey } from "@/lib/keys/create-signing-key";

const KEY_BOOTSTRAP_LOCK = 7_207_369_005;

/** Creates the first signing key if there is none. Safe when several instances start at once. */
export async function ensureSigningKey(): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${KEY_BOOTSTRAP_LOCK})`);
    if ((await tx.signingKey.count({ where: { retiredAt: null } })) === 0) await createSigningKey(tx);
  });
}
