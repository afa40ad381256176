import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDatabase, commitPool, commitQuery, useDatabaseUrl } from "@/lib/db/client";
import { openEphemeralDatabase } from "@/lib/db/embedded";

let database: Awaited<ReturnType<typeof openEphemeralDatabase>>;
beforeAll(async () => {
  database = await openEphemeralDatabase();
});
afterAll(async () => {
  await closeDatabase();
  await database.close();
});

/** The prepared statements of the embedded database's one session, which every socket client shares. */
async function preparedStatements(): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'portcullis_probe_%'`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe("commitQuery on the embedded database", () => {
  // First in the file: both copies would otherwise start numbering connections at 1.
  it("names statements uniquely when the module is loaded twice in one process (the server and its Next.js bundle)", async () => {
    useDatabaseUrl(database.url);
    expect((await commitQuery<{ n: number }>("twice", "SELECT $1::int AS n", [1])).rows).toEqual([{ n: 1 }]);
    vi.resetModules();
    const second = await import("@/lib/db/client");
    // The first connection is busy, so the second copy's statement goes to the pool's other connection.
    const busy = await commitPool().connect();
    try {
      expect((await second.commitQuery<{ n: number }>("twice", "SELECT $1::int AS n", [2])).rows).toEqual([{ n: 2 }]);
    } finally {
      busy.release();
    }
  });

  it("prepares a statement once per connection of the hosting process, and nothing as a guest of another's", async () => {
    useDatabaseUrl(database.url);
    for (let i = 1; i <= 3; i++) expect((await commitQuery<{ n: number }>("probe", "SELECT $1::int AS n", [i])).rows).toEqual([{ n: i }]);
    const hosted = await preparedStatements();
    expect(hosted).toHaveLength(1);

    // A CLI command while the server runs: what it prepared would stay in the host's session, and its names (numbered
    // by its own process) would collide with the server's.
    useDatabaseUrl(database.url, { guest: true });
    for (let i = 1; i <= 3; i++) expect((await commitQuery<{ n: number }>("probe", "SELECT $1::int AS n", [i])).rows).toEqual([{ n: i }]);
    expect(await preparedStatements()).toEqual(hosted);
  });

  it("keeps its connection after a refused statement and reuses the prepared statement", async () => {
    useDatabaseUrl(database.url);
    await expect(commitQuery("probe_fail", "SELECT 1 / $1::int AS n", [0])).rejects.toMatchObject({ code: "22012" });
    expect((await commitQuery<{ n: number }>("probe_fail", "SELECT 1 / $1::int AS n", [1])).rows).toEqual([{ n: 1 }]);
  });
});
