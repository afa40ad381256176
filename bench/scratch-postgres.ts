/**
 * A throwaway PostgreSQL database for one benchmark run: created on the server named by a URL, dropped afterwards.
 * BENCH_DATABASE_PREFIX names it (default portcullis_bench), so runs sharing a server can be told apart.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function scratchPostgres(serverUrl: string): Promise<ScratchDatabase> {
  const prefix = process.env.BENCH_DATABASE_PREFIX ?? "portcullis_bench";
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`BENCH_DATABASE_PREFIX must be a lower-case SQL identifier, not ${prefix}`);
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  return {
    url: target.href,
    async drop() {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
