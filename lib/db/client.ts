import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { processState } from "@/lib/process-state";

export type Database = InstanceType<typeof PrismaClient>;
/** The client handed to a `$transaction` callback. */
export type Tx = Parameters<Parameters<Database["$transaction"]>[0]>[0];
/** Either the database or an open transaction: lib functions that take part in a caller's transaction accept this. */
export type Db = Database | Tx;

interface DatabaseRuntime {
  url?: string;
  client?: Database;
  commitPool?: pg.Pool;
}

const SESSION_BOUNDS = {
  // A database that is down or restarting is answered 503 within seconds, never waited on (DESIGN §7).
  connectionTimeoutMillis: 3_000,
  // A stuck transaction must not hold the audit-chain lock (shared by every instance) for long: PostgreSQL ends one
  // idle inside a transaction, and any statement, after these bounds. Keep-alive notices a dead peer.
  idle_in_transaction_session_timeout: 15_000,
  statement_timeout: 60_000,
  keepAlive: true,
};

// One per process, so the database opened at start-up is the one every route uses.
const registry = processState<DatabaseRuntime>("database", () => ({}));

/** Points this process at a database. Called once at start-up (server, CLI, tests). */
export function useDatabaseUrl(url: string): void {
  if (registry.url === url) return;
  void registry.client?.$disconnect();
  void registry.commitPool?.end();
  registry.url = url;
  registry.client = undefined;
  registry.commitPool = undefined;
}

export function databaseUrl(): string | undefined {
  return registry.url;
}

/** The Prisma client for this process's database. */
export function db(): Database {
  if (registry.client) return registry.client;
  if (!registry.url) {
    throw new AppError("unavailable", "The database is not open yet: Portcullis is still starting.");
  }
  registry.client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: registry.url, max: 10, ...SESSION_BOUNDS }),
  });
  return registry.client;
}

/**
 * Two plain `pg` connections to the same database, for the group-commit writers' single-statement appends (audit
 * events, issued tokens): the hottest writes there are, each one SQL statement that needs none of Prisma's mapping.
 * Prisma's raw-query path costs about 100 µs more CPU per statement than `pg` (measured here on PostgreSQL 15 and on
 * PGlite), which under light load is most of a decision's write. Transactions stay on Prisma.
 */
export function commitPool(): pg.Pool {
  if (registry.commitPool) return registry.commitPool;
  if (!registry.url) {
    throw new AppError("unavailable", "The database is not open yet: Portcullis is still starting.");
  }
  const pool = new pg.Pool({ connectionString: registry.url, max: 2, ...SESSION_BOUNDS });
  // An idle connection that drops (a database restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  registry.commitPool = pool;
  return pool;
}

export async function closeDatabase(): Promise<void> {
  const { client, commitPool: pool } = registry;
  registry.client = undefined;
  registry.commitPool = undefined;
  registry.url = undefined;
  await Promise.all([client?.$disconnect(), pool?.end()]);
}
