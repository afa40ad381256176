import { randomBytes } from "node:crypto";
import pg from "pg";

export interface ScratchDatabase {
  url: string;
  name: string;
  /** Drops it (once; later calls do nothing), retrying for about ten seconds while the server is unreachable. */
  drop(): Promise<void>;
}

/**
 * A new, empty database on the PostgreSQL server `serverUrl` names, for one test file or one benchmark run:
 * `<prefix>_<random>`, so runs sharing a server can be told apart.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`A database name prefix must be a lower-case SQL identifier, not ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  let dropped = false;
  return {
    url: target.href,
    name,
    async drop() {
      if (dropped) return;
      for (let attempt = 0; ; attempt++) {
        const dropper = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
        try {
          await dropper.connect();
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          dropped = true;
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        } finally {
          await dropper.end().catch(() => {});
        }
      }
    },
  };
}
