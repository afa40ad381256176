import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEphemeralDatabase } from "@/lib/db/embedded";

let database: Awaited<ReturnType<typeof openEphemeralDatabase>>;
beforeAll(async () => {
  database = await openEphemeralDatabase();
});
afterAll(() => database.close());

describe("embedded database served to several connections", () => {
  it("gives every concurrent parameterised query its own answer", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 8 });
    try {
      // Different statements, so a query bound to another connection's statement would show it.
      const answers = await Promise.all(
        Array.from({ length: 400 }, async (_, k) => {
          const i = k + 1;
          const sql = i % 2 ? "SELECT $1::int AS n" : "SELECT $1::int * -1 AS n, $2::text AS tag";
          const { rows } = await pool.query(sql, i % 2 ? [i] : [i, "even"]);
          return i % 2 ? rows[0].n : -rows[0].n;
        }),
      );
      expect(answers).toEqual(Array.from({ length: 400 }, (_, k) => k + 1));
    } finally {
      await pool.end();
    }
  });

  it("keeps going after a failing statement, and keeps transactions isolated", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    try {
      await pool.query("CREATE TABLE counter (n int)");
      await expect(pool.query("SELECT * FROM missing_table")).rejects.toThrow(/missing_table/);
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const client = await pool.connect();
          try {
            await client.query("BEGIN");
            await client.query("INSERT INTO counter VALUES ($1)", [i]);
            await client.query("COMMIT");
          } finally {
            client.release();
          }
        }),
      );
      expect((await pool.query("SELECT count(*)::int AS c FROM counter")).rows[0].c).toBe(20);
    } finally {
      await pool.end();
    }
  });

  it("lets transactions and plain queries of different connections run side by side", async () => {
    // Unpatched, a transaction starting in the middle of another connection's Parse/Bind cycle stole its statement,
    // and the queue then stalled for good.
    const setup = new pg.Client({ connectionString: database.url });
    await setup.connect();
    await setup.query("CREATE TABLE ledger (n int)");
    await setup.end();
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        return client;
      }),
    );
    const problems: string[] = [];
    await Promise.all(
      clients.map(async (client, c) => {
        for (let j = 1; j <= 40; j++) {
          const i = c * 1000 + j;
          try {
            if (c % 2 === 0) {
              await client.query("BEGIN");
              await client.query("INSERT INTO ledger VALUES ($1)", [i]);
              await client.query("SELECT count(*) FROM ledger WHERE n > $1", [0]);
              await client.query("COMMIT");
            } else {
              const { rows } = await client.query("SELECT $1::int * -1 AS n, $2::text AS tag", [i, "x"]);
              if (-rows[0].n !== i) problems.push(`query ${i} got ${rows[0].n}`);
            }
          } catch (error) {
            problems.push((error as Error).message);
          }
        }
      }),
    );
    await Promise.all(clients.map((client) => client.end()));
    expect(problems).toEqual([]);
  });
});
