import { closeDatabase, db, useDatabaseUrl } from "@/lib/db/client";
import { openEphemeralDatabase } from "@/lib/db/embedded";
import { createScratchDatabase } from "@/test/support/scratch-database";
import { applyPendingMigrations } from "@/lib/db/migrate";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { seedPolicy } from "@/lib/policy/seed-policy";

/**
 * A fresh, migrated and seeded database for one test file: an in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by PORTCULLIS_TEST_POSTGRES_URL (created here, dropped on close).
 */
export async function openTestDatabase(): Promise<{ url: string; kind: "pglite" | "postgres"; close(): Promise<void> }> {
  const serverUrl = process.env.PORTCULLIS_TEST_POSTGRES_URL;
  let url: string;
  let release: () => Promise<void>;
  if (serverUrl) {
    const scratch = await createScratchDatabase(serverUrl, "portcullis_test");
    url = scratch.url;
    release = scratch.drop;
  } else {
    const ephemeral = await openEphemeralDatabase();
    url = ephemeral.url;
    release = ephemeral.close;
  }
  await applyPendingMigrations(url);
  useDatabaseUrl(url);
  await seedPolicy(db());
  await ensureSigningKey();
  return {
    url,
    kind: serverUrl ? "postgres" : "pglite",
    async close() {
      await closeDatabase();
      await release();
    },
  };
}
