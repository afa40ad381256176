import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
  for (let i = 0; i < 5; i++) await createUser({ email: `q${i}@example.test`, name: `Q${i}` }, CLI_CONTEXT);
});
afterAll(() => database.close());

describe("concurrent queries on the embedded database", () => {
  it("never hand one connection's rows to another, even with transactions in between (electric-sql/pglite#1046)", async () => {
    const rounds = Array.from({ length: 60 }, async (_, i) => {
      switch (i % 4) {
        case 0:
          return expect((await db().user.findMany({ where: { email: { startsWith: "q" } }, select: { email: true } })).length).toBe(5);
        case 1:
          return expect((await db().scope.findMany({ select: { name: true } })).map((s) => s.name)).toContain("audit:read");
        case 2:
          return expect(await db().$queryRawUnsafe<Array<{ n: number }>>(`SELECT $1::int AS n`, i)).toEqual([{ n: i }]);
        default:
          return expect(await db().$transaction(async (tx) => (await tx.role.findMany({ select: { name: true } })).length)).toBeGreaterThan(3);
      }
    });
    await Promise.all(rounds);
  });
});
