import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, verifyAuditChain } from "@/lib/audit";
import { appendAuditAfter } from "@/lib/audit/append-audit-after";
import { attachAfterTail, insertAuditRecords } from "@/lib/audit/audit-sql";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const tail = () => db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { seq: true, hash: true, at: true } });

describe("the audit chain's SQL", () => {
  it("attachAfterTail holds for the newest link only, and for it only while `also` holds", async () => {
    await db().$transaction((tx) => appendAudit(tx, [{ kind: "policy.changed", reason: "first" }]));
    const newest = await tail();
    const attaches = async (seq: bigint, hash: string, also?: string) =>
      (await db().$transaction((tx) => tx.$queryRawUnsafe<unknown[]>(attachAfterTail({ seq: "$1", hash: "$2" }, also), seq.toString(), hash))).length;
    expect(await attaches(newest.seq, newest.hash)).toBe(1);
    expect(await attaches(newest.seq, "not-the-hash")).toBe(0);
    expect(await attaches(newest.seq + 1n, newest.hash)).toBe(0);
    expect(await attaches(newest.seq, newest.hash, "1 = 2")).toBe(0);
  });

  it("appendAuditAfter extends the chain after a current tail, and writes nothing after a stale one", async () => {
    const stale = await tail();
    const records = await appendAuditAfter(stale, [{ kind: "policy.changed", reason: "after the tail" }]);
    expect(records).toHaveLength(1);
    const count = await db().auditEvent.count();
    expect(await appendAuditAfter(stale, [{ kind: "policy.changed", reason: "after a stale tail" }])).toBeNull();
    expect(await db().auditEvent.count()).toBe(count);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  it("insertAuditRecords inserts every record or, when its condition is false, none", async () => {
    const json = JSON.stringify([{ seq: "999999", at: new Date().toISOString(), kind: "x", scopes: [], detail: {}, prevHash: "p", hash: "h" }]);
    expect(await db().$executeRawUnsafe(insertAuditRecords("$1", "false"), json)).toBe(0);
    expect(await db().auditEvent.count({ where: { seq: 999999n } })).toBe(0);
  });
});
