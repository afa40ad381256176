import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI_CONTEXT, recordAudit, verifyAuditChain } from "@/lib/audit";
import { applyAuditRetention } from "@/lib/audit/apply-audit-retention";
import { checkpointVerificationKey } from "@/lib/audit/checkpoint-signature";
import { ensureAuditPartitions } from "@/lib/audit/ensure-audit-partitions";
import { listAuditPartitions } from "@/lib/audit/list-audit-partitions";
import { verifyAuditArchive } from "@/lib/audit/verify-audit-archive";
import { verifyAuditChainInDatabase } from "@/lib/audit/verify-audit-chain-in-database";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { db } from "@/lib/db/client";
import { appendDatedEvents } from "@/test/support/chained-events";
import { eraseAuditLog } from "@/test/support/audit-log";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let dir: string;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await eraseAuditLog();
  dir = mkdtempSync(join(tmpdir(), "portcullis-archive-"));
  return () => rmSync(dir, { recursive: true, force: true });
});

const monthsAgo = (n: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 10, 12));
};

/** Four months of history (two old enough for a 62-day retention), then today's events through the writer. */
async function history() {
  await appendDatedEvents(monthsAgo(5), 30);
  await appendDatedEvents(monthsAgo(4), 20);
  await appendDatedEvents(monthsAgo(1), 10);
  await writeAuditCheckpoint();
  for (let i = 0; i < 3; i++) await recordAudit({ kind: "policy.changed", actor: "cli", reason: `change ${i}` });
  // Rows of months that had no partition went to the default one; the maintenance pass sorts them into months.
  await ensureAuditPartitions(db());
}

const rowCount = async () => Number((await db().$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "AuditEvent"`))[0].n);

describe("audit retention: refusals on every backend", () => {
  it("refuses a retention shorter than 31 days, dropping nothing", async () => {
    await history();
    await expect(applyAuditRetention(CLI_CONTEXT, { days: 30, dir })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/30 day\(s\) is too short: at least 31/) });
    await expect(applyAuditRetention(CLI_CONTEXT, { days: 0, dir })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/No audit retention period is set/) });
    expect(await rowCount()).toBe(63);
  });
});

describe.runIf(!process.env.PORTCULLIS_TEST_POSTGRES_URL)("audit retention on the embedded database", () => {
  it("keeps one unpartitioned table: no partitions to create, and retention is refused as PostgreSQL-only", async () => {
    await history();
    expect(await ensureAuditPartitions(db())).toBe(0);
    expect(await listAuditPartitions(db())).toEqual([]);
    await expect(applyAuditRetention(CLI_CONTEXT, { days: 62, dir })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/needs PostgreSQL/) });
    expect(await rowCount()).toBe(63);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 63 });
  });
});

describe.runIf(!!process.env.PORTCULLIS_TEST_POSTGRES_URL)("audit retention on PostgreSQL", () => {
  it("sorts rows the default partition caught into their months, and keeps partitions ahead", async () => {
    await history();
    const partitions = await listAuditPartitions(db());
    expect(partitions.find((p) => p.from === null)).toMatchObject({ firstSeq: null });
    const filled = partitions.filter((p) => p.firstSeq !== null).map((p) => [p.firstSeq, p.lastSeq]);
    expect(filled).toEqual([[1n, 30n], [31n, 50n], [51n, 60n], [61n, 63n]]);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 63 });
  });

  it("archives whole old months to verified JSON Lines files before dropping them; the chain then starts from the archive", async () => {
    await history();
    const result = await applyAuditRetention(CLI_CONTEXT, { days: 62, dir });
    expect(result.archived.map((a) => [a.firstSeq, a.lastSeq, a.events])).toEqual([["1", "30", 30], ["31", "50", 20]]);
    expect((await listAuditPartitions(db())).some((p) => p.name === result.archived[0].partition)).toBe(false);
    expect(await rowCount()).toBe(63 - 50 + 2); // + the two audit.archived events
    for (const archived of result.archived) {
      const report = await verifyAuditArchive(archived.file);
      expect(report).toMatchObject({ ok: true, problem: null, events: archived.events, sha256: archived.sha256 });
      // Offline, with the public key alone.
      expect(await verifyAuditArchive(archived.file, { publicKey: checkpointVerificationKey() })).toMatchObject({ ok: true });
    }
    const full = await verifyAuditChain(db());
    expect(full).toMatchObject({ ok: true, checked: 15, from: { seq: "50" } });
    expect(await verifyAuditChain(db(), { since: "checkpoint" })).toMatchObject({ ok: true });
    expect(await verifyAuditChainInDatabase(db())).toMatchObject({ ok: true, checked: 15, from: { seq: "50" } });
    const recorded = await db().auditEvent.findMany({ where: { kind: "audit.archived" }, orderBy: { seq: "asc" } });
    expect(recorded.map((e) => e.reason)).toEqual([
      expect.stringContaining("audit events 1..30"),
      expect.stringContaining("audit events 31..50"),
    ]);
    // Run again: nothing more is due.
    expect((await applyAuditRetention(CLI_CONTEXT, { days: 62, dir })).archived).toEqual([]);
  });

  it("a changed archive file does not verify", async () => {
    await history();
    const [first] = (await applyAuditRetention(CLI_CONTEXT, { days: 62, dir })).archived;
    const original = readFileSync(first.file, "utf8");
    const lines = original.split("\n");
    lines[5] = lines[5].replace('"decision":"allow"', '"decision":"deny"');
    writeFileSync(first.file, lines.join("\n"));
    const changed = await verifyAuditArchive(first.file);
    expect(changed).toMatchObject({ ok: false, problem: "event 5 was changed after it was written" });
    writeFileSync(first.file, original.split("\n").slice(0, 20).join("\n"));
    expect(await verifyAuditArchive(first.file)).toMatchObject({ ok: false, problem: expect.stringMatching(/cut short/) });
  });

  it("drops nothing when the archive directory cannot be written", async () => {
    await history();
    const notADirectory = join(dir, "file");
    writeFileSync(notADirectory, "x");
    await expect(applyAuditRetention(CLI_CONTEXT, { days: 62, dir: join(notADirectory, "archive") })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/cannot write to the audit archive directory .*nothing was archived or dropped/),
    });
    expect(await rowCount()).toBe(63);
    expect(await db().auditArchive.count()).toBe(0);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 63, from: null });
  });

  it("drops nothing when a month's events were changed, or an audit sink has not delivered them yet", async () => {
    await history();
    await db().auditSink.create({ data: { name: "siem", kind: "webhook", endpoint: "https://siem.example.test/in", cursor: 10n } });
    await expect(applyAuditRetention(CLI_CONTEXT, { days: 62, dir })).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/audit sink "siem" has delivered events only up to #10/) });
    await db().auditSink.deleteMany();
    const { withAuditTriggersDisabled } = await import("@/test/support/audit-log");
    await withAuditTriggersDisabled((tx) => tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "reason" = 'edited' WHERE "seq" = 7`));
    await expect(applyAuditRetention(CLI_CONTEXT, { days: 62, dir })).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/does not hold at event 7/) });
    expect(await rowCount()).toBe(63);
    expect(await db().auditArchive.count()).toBe(0);
  });

  it("refuses a second writer after the same tail across months, as the primary key did on one table", async () => {
    await history();
    const [row] = await db().$queryRawUnsafe<Array<{ seq: bigint }>>(`SELECT max("seq") AS seq FROM "AuditEvent"`);
    await expect(
      db().$executeRawUnsafe(`INSERT INTO "AuditEvent" ("seq", "at", "kind", "prevHash", "hash") VALUES ($1, now() + interval '35 days', 'policy.changed', 'x', 'y')`, row.seq),
    ).rejects.toThrow(/already in the chain/);
  });
});
