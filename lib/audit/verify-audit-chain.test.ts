import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appendAudit, recordAudit, verifyAuditChain } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { eraseAuditLog, withAuditTriggersDisabled } from "@/test/support/audit-log";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(() => eraseAuditLog());

async function writeEvents(n: number) {
  for (let i = 0; i < n; i++) {
    await recordAudit({ kind: "decision.allow", actor: "user:u1", tool: `tool_${i}`, decision: "allow", scopes: ["a", "b"], detail: { i } });
  }
}

describe("the audit hash chain", () => {
  it("verifies an untouched chain and reports its head", async () => {
    await writeEvents(5);
    const report = await verifyAuditChain(db());
    expect(report).toMatchObject({ ok: true, checked: 5, firstBreak: null });
    const last = await db().auditEvent.findFirst({ orderBy: { seq: "desc" } });
    expect(report.head).toEqual({ seq: "5", hash: last!.hash });
  });

  it("detects an edited row", async () => {
    await writeEvents(5);
    await withAuditTriggersDisabled((tx) => tx.auditEvent.update({ where: { seq: 3n }, data: { decision: "deny" } }));
    expect((await verifyAuditChain(db())).firstBreak).toEqual({
      seq: "3",
      problem: "hash_mismatch",
      message: "event 3 was changed after it was written",
    });
  });

  it("detects an edit even when the attacker recomputes that row's hash", async () => {
    await writeEvents(4);
    const { chainHash } = await import("@/lib/audit/hash-chain");
    const row = await db().auditEvent.findUniqueOrThrow({ where: { seq: 2n } });
    const forged = { ...row, reason: "nothing to see" };
    await withAuditTriggersDisabled((tx) => tx.auditEvent.update({ where: { seq: 2n }, data: { reason: forged.reason, hash: chainHash(row.prevHash, forged) } }));
    expect((await verifyAuditChain(db())).firstBreak).toMatchObject({ seq: "3", problem: "prev_hash_mismatch" });
  });

  it("detects a deleted row", async () => {
    await writeEvents(5);
    await withAuditTriggersDisabled((tx) => tx.auditEvent.delete({ where: { seq: 2n } }));
    expect((await verifyAuditChain(db())).firstBreak).toMatchObject({ seq: "3", problem: "sequence_gap" });
  });

  it("detects reordered rows", async () => {
    await writeEvents(5);
    const [two, three] = await Promise.all([
      db().auditEvent.findUniqueOrThrow({ where: { seq: 2n } }),
      db().auditEvent.findUniqueOrThrow({ where: { seq: 3n } }),
    ]);
    // Swap the two events' contents, sequence numbers kept: event 2 now holds what was event 3.
    const { seq: _a, ...twoBody } = two;
    const { seq: _b, ...threeBody } = three;
    await withAuditTriggersDisabled(async (tx) => {
      await tx.auditEvent.update({ where: { seq: 2n }, data: { ...threeBody, detail: threeBody.detail as object } });
      await tx.auditEvent.update({ where: { seq: 3n }, data: { ...twoBody, detail: twoBody.detail as object } });
    });
    expect((await verifyAuditChain(db())).firstBreak).toMatchObject({ seq: "2", problem: "prev_hash_mismatch" });
  });

  it("keeps one unbroken chain under 200 concurrent writers", async () => {
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => recordAudit({ kind: "decision.deny", tool: `t${i}`, decision: "deny" })),
    );
    expect(await db().auditEvent.count()).toBe(200);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 200 });
  });

  it("writes an event only if the change it records commits", async () => {
    await expect(
      db().$transaction(async (tx) => {
        await appendAudit(tx, [{ kind: "policy.changed", reason: "never happened" }]);
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await db().auditEvent.count()).toBe(0);
  });
});
