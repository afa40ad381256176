import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordAudit, verifyAuditChain } from "@/lib/audit";
import { verifyAuditChainInDatabase } from "@/lib/audit/verify-audit-chain-in-database";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { db } from "@/lib/db/client";
import { eraseAuditLog, withAuditTriggersDisabled } from "@/test/support/audit-log";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(() => eraseAuditLog());

/** Events whose canonical form PostgreSQL writes (flat details, quotes, non-ASCII, nulls) and some it leaves to us. */
async function writeEvents() {
  for (let i = 0; i < 12; i++) {
    await recordAudit({
      kind: i % 2 ? "decision.allow" : "decision.deny",
      actor: "user:u1",
      tool: `tool_${i}`,
      decision: i % 2 ? "allow" : "deny",
      reason: `a "quoted" reason → naïve \\ path\t${i}`,
      scopes: i % 3 ? ["a", "b"] : [],
      detail: i % 4 === 0 ? { nested: { z: 1, a: [1, 2] } } : { status: 200 + i, ok: i % 2 === 1, note: null, ratio: 0.5, zeta: "z", alpha: "a" },
    });
  }
}

describe("full verification with the hashing done by the database", () => {
  it("passes an intact chain, events with nested details included, and counts every event", async () => {
    await writeEvents();
    await writeAuditCheckpoint();
    await recordAudit({ kind: "policy.changed", actor: "cli", reason: "after the checkpoint" });
    const report = await verifyAuditChainInDatabase(db());
    expect(report).toMatchObject({ ok: true, checked: 13, firstBreak: null, from: null, head: (await verifyAuditChain(db())).head });
    // PostgreSQL confirmed every event but the three whose detail nests an object: those were recomputed here.
    expect(report.recomputedHere).toBe(3);
  });

  it("reports an edited event exactly as the in-process verification does", async () => {
    await writeEvents();
    await withAuditTriggersDisabled((tx) => tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "reason" = 'edited' WHERE "seq" = 5`));
    const report = await verifyAuditChainInDatabase(db());
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toEqual({ seq: "5", problem: "hash_mismatch", message: "event 5 was changed after it was written" });
  });

  it("reports a deleted event and a rewritten detail", async () => {
    await writeEvents();
    await withAuditTriggersDisabled((tx) => tx.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "seq" = 7`));
    expect((await verifyAuditChainInDatabase(db())).firstBreak).toMatchObject({ seq: "8", problem: "sequence_gap" });
    await eraseAuditLog();
    await writeEvents();
    await withAuditTriggersDisabled((tx) => tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "detail" = '{"status": 500}' WHERE "seq" = 2`));
    expect((await verifyAuditChainInDatabase(db())).firstBreak).toMatchObject({ seq: "2", problem: "hash_mismatch" });
  });

  it("holds the chain against its signed checkpoints: a deleted tail is reported", async () => {
    await writeEvents();
    await writeAuditCheckpoint();
    await withAuditTriggersDisabled((tx) => tx.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "seq" > 10`));
    const report = await verifyAuditChainInDatabase(db());
    expect(report).toMatchObject({ ok: false, firstBreak: { seq: "11", problem: "tail_missing", missing: { from: "11", to: "12" } } });
  });
});
