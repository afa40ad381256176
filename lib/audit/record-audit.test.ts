import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { appendAudit, recordAudit, verifyAuditChain } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { eraseAuditLog } from "@/test/support/audit-log";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(() => vi.restoreAllMocks());

const decision = (i: number) => ({ kind: "decision.allow" as const, actor: "user:u", tool: `t${i}`, decision: "allow" as const, detail: { i } });

describe("recordAudit (group commit)", () => {
  it("appends after the tail it wrote in one statement, taking the locked transaction only to find the tail", async () => {
    const transactions = vi.spyOn(db(), "$transaction");
    await recordAudit(decision(0));
    for (let i = 1; i < 20; i++) await recordAudit(decision(i));
    expect(transactions.mock.calls.length).toBeLessThanOrEqual(1);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, firstBreak: null });
  });

  it("keeps one chain while changes append in their own transactions at the same time", async () => {
    const before = await db().auditEvent.count();
    await Promise.all([
      ...Array.from({ length: 150 }, (_, i) => recordAudit(decision(i))),
      ...Array.from({ length: 15 }, (_, i) => db().$transaction((tx) => appendAudit(tx, [{ kind: "policy.changed", reason: `change ${i}` }]))),
    ]);
    expect(await db().auditEvent.count()).toBe(before + 165);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, firstBreak: null });
  });

  it("notices another writer extended the chain and attaches after its events", async () => {
    await recordAudit(decision(1));
    // What another instance (or the CLI) does: append under the lock, in its own transaction.
    await db().$transaction((tx) => appendAudit(tx, [{ kind: "policy.changed", reason: "elsewhere" }]));
    const record = await recordAudit(decision(2));
    const tail = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(tail.seq).toBe(record.seq);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  it("starts the chain over correctly when the rows it knew are gone", async () => {
    await recordAudit(decision(1));
    await eraseAuditLog();
    const record = await recordAudit(decision(2));
    expect(record.seq).toBe(1n);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 1 });
  });

  it("rejects every caller of a batch that cannot be written, and recovers afterwards", async () => {
    await recordAudit(decision(1));
    await db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" ADD CONSTRAINT refuse_all CHECK (seq < 0) NOT VALID`);
    try {
      const results = await Promise.allSettled([recordAudit(decision(2)), recordAudit(decision(3))]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    } finally {
      await db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" DROP CONSTRAINT refuse_all`);
    }
    await recordAudit(decision(4));
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});
