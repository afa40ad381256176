import pg from "pg";
import { useDatabaseUrl } from "@/lib/db/client";
import { openEmbeddedDatabase, type EmbeddedRole } from "@/lib/db/embedded";
import { applyPendingMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  /** Names of migrations applied by this call. */
  applied: string[];
  close(): Promise<void>;
}

/** host:port/db of a PostgreSQL URL, never its password. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname || "localhost"}:${parsed.port || 5432}${parsed.pathname}`;
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ECONNREFUSED" ? "connection refused" : code === "ENOTFOUND" ? "host not found" : (error as Error).message;
    throw new AppError("unavailable", `Cannot reach PostgreSQL at ${describeDatabaseUrl(url)}: ${why}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Opens this process's database — PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under the data
 * directory — applies pending migrations, and makes it the one `db()` returns.
 */
export async function openDatabase(role: EmbeddedRole): Promise<OpenDatabase> {
  const config = env();
  let url: string;
  let close = async () => {};
  let guest = false;
  if (config.databaseUrl) {
    url = config.databaseUrl;
    await assertReachable(url);
  } else {
    const embedded = await openEmbeddedDatabase(config.dataDir, role);
    url = embedded.url;
    close = embedded.close;
    guest = !embedded.hosted;
  }
  try {
    const applied = await applyPendingMigrations(url);
    useDatabaseUrl(url, { guest });
    return { url, embedded: !config.databaseUrl, applied, close };
  } catch (error) {
    await close();
    if (error instanceof AppError) throw error;
    throw new AppError("unavailable", `Could not apply database migrations: ${(error as Error).message}`);
  }
}
