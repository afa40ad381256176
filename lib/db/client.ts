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
  /** Another process's embedded database: its one session (and namespace of prepared statements) is shared. */
  guest?: boolean;
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

/**
 * Points this process at a database. Called once at start-up (server, CLI, tests). `guest`: the database is embedded
 * and hosted by another process (a CLI command while the server runs), whose single session this process shares.
 */
export function useDatabaseUrl(url: string, { guest = false }: { guest?: boolean } = {}): void {
  if (registry.url === url && registry.guest === guest) return;
  void registry.client?.$disconnect();
  void registry.commitPool?.end();
  registry.url = url;
  registry.guest = guest;
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
  // Kept open while idle: their prepared statements (commitQuery) live as long as the connection.
  const pool = new pg.Pool({ connectionString: registry.url, max: 2, idleTimeoutMillis: 0, ...SESSION_BOUNDS });
  // An idle connection that drops (a database restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  registry.commitPool = pool;
  return pool;
}

// In processState, like the pool itself: the server loads this module more than once (its own code and the Next.js
// bundle), and two counters numbering the one pool's connections would hand out the same statement name twice.
const statementNames = processState("commit-statement-names", () => ({ numbers: new WeakMap<pg.PoolClient, number>(), seen: 0 }));

/**
 * One of the group-commit writers' statements on the commit pool, as a prepared statement: parsed and planned once
 * per connection instead of on every batch (on the embedded database, whose work runs in this process, that is about
 * a tenth of a batch's cost). PGlite's socket clients all share its one session, and with it one namespace of prepared
 * statements that outlives the connection which prepared one: so names are per connection, and a guest of another
 * process's embedded database prepares nothing (what it left would collide with others and stay in the host's
 * session after the guest is gone).
 */
export async function commitQuery<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  const client = await commitPool().connect();
  let failed: Error | undefined;
  try {
    if (registry.guest) return await client.query<R>(text, values);
    let number = statementNames.numbers.get(client);
    if (number === undefined) statementNames.numbers.set(client, (number = ++statementNames.seen));
    return await client.query<R>({ name: `portcullis_${name}_${number}`, text, values });
  } catch (error) {
    // A broken connection is dropped rather than reused; a refused statement (a unique violation) leaves it healthy.
    if (!(error as { code?: unknown }).code) failed = error as Error;
    throw error;
  } finally {
    client.release(failed);
  }
}

export async function closeDatabase(): Promise<void> {
  const { client, commitPool: pool } = registry;
  registry.client = undefined;
  registry.commitPool = undefined;
  registry.url = undefined;
  await Promise.all([client?.$disconnect(), pool?.end()]);
}
