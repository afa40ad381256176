import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit, verifyAuditChain } from "@/lib/audit";
import { listAuditPartitions } from "@/lib/audit/list-audit-partitions";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { closeDatabase, db, useDatabaseUrl } from "@/lib/db/client";
import { openEphemeralDatabase } from "@/lib/db/embedded";
import { applyPendingMigrations, MIGRATIONS_DIR } from "@/lib/db/migrate";
import { appendDatedEvents } from "@/test/support/chained-events";
import { createScratchDatabase } from "@/test/support/scratch-database";

const PARTITIONING = "20261208050000_audit_partitions";
const serverUrl = process.env.PORTCULLIS_TEST_POSTGRES_URL;
const backend = serverUrl ? "postgres" : "pglite";

let url: string;
let release: () => Promise<void>;
let before: string;
const monthsAgo = (n: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 10, 12));
};

beforeAll(async () => {
  if (serverUrl) {
    const scratch = await createScratchDatabase(serverUrl, "portcullis_test");
    ({ url } = scratch);
    release = scratch.drop;
  } else {
    const ephemeral = await openEphemeralDatabase();
    ({ url } = ephemeral);
    release = ephemeral.close;
  }
  // The migrations a deployment had before partitioning, exactly as they are in the repository.
  before = mkdtempSync(join(tmpdir(), "portcullis-migrations-"));
  for (const name of readdirSync(MIGRATIONS_DIR)) {
    if (name !== PARTITIONING) cpSync(join(MIGRATIONS_DIR, name), join(before, name), { recursive: true });
  }
  await applyPendingMigrations(url, before);
  useDatabaseUrl(url);
}, 120_000);
afterAll(async () => {
  await closeDatabase();
  await release?.();
  rmSync(before, { recursive: true, force: true });
});

describe(`converting a populated audit log to monthly partitions (${backend})`, () => {
  it("keeps every event and checkpoint, and the chain verifies across the months afterwards", async () => {
    // Three months of history, then today's events through the real writer, with a signed checkpoint in between.
    await appendDatedEvents(monthsAgo(3), 40);
    await appendDatedEvents(monthsAgo(2), 30);
    await appendDatedEvents(monthsAgo(1), 20);
    const checkpoint = await writeAuditCheckpoint();
    for (let i = 0; i < 5; i++) await recordAudit({ kind: "policy.changed", actor: "cli", reason: `change ${i}` });
    // (This code's verifier reads the archive table the migration adds: the head before is what it must find after.)
    const head = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    expect(head.seq).toBe(95n);

    expect(await applyPendingMigrations(url)).toEqual([PARTITIONING]);

    const after = await verifyAuditChain(db());
    expect(after).toMatchObject({ ok: true, checked: 95, head: { seq: "95", hash: head.hash } });
    expect(await verifyAuditChain(db(), { since: "checkpoint" })).toMatchObject({ ok: true, checked: 5, from: { seq: checkpoint!.seq } });
    const partitions = await listAuditPartitions(db());
    if (backend === "pglite") {
      // The embedded database keeps its one table: the same rows, the same queries.
      expect(partitions).toEqual([]);
    } else {
      const months = partitions.filter((p) => p.firstSeq !== null).map((p) => [p.firstSeq, p.lastSeq]);
      expect(months).toEqual([[1n, 40n], [41n, 70n], [71n, 90n], [91n, 95n]]);
      // The current month and three ahead exist before any event needs them; the default partition is empty.
      expect(partitions.filter((p) => p.from && p.from.getTime() > Date.now())).toHaveLength(3);
      expect(partitions.find((p) => p.from === null)).toMatchObject({ name: "AuditEvent_default", firstSeq: null });
    }

    // The writer carries on after the conversion, and the chain with it.
    await recordAudit({ kind: "policy.changed", actor: "cli", reason: "after the conversion" });
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 96 });
  }, 120_000);

  it("still refuses changing or removing events, in every month", async () => {
    const refused = (sql: string) => expect(db().$executeRawUnsafe(sql)).rejects.toThrow(/append-only/);
    await refused(`UPDATE "AuditEvent" SET "reason" = 'edited' WHERE "seq" = 2`);
    await refused(`DELETE FROM "AuditEvent" WHERE "seq" = 2`);
    await refused(`TRUNCATE "AuditEvent"`);
    if (backend === "postgres") {
      const [oldest] = await listAuditPartitions(db());
      await refused(`UPDATE "${oldest.name}" SET "reason" = 'edited'`);
      await refused(`DELETE FROM "${oldest.name}"`);
      await refused(`TRUNCATE "${oldest.name}"`);
    }
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 96 });
  });
});
