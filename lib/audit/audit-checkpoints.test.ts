import { createPublicKey, verify } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT, recordAudit, verifyAuditChain } from "@/lib/audit";
import { checkAuditChain } from "@/lib/audit/check-audit-chain";
import { checkpointSignatureValid, checkpointVerificationKey, signCheckpoint } from "@/lib/audit/checkpoint-signature";
import { chainHash } from "@/lib/audit/hash-chain";
import { parseAuditCheckpoints } from "@/lib/audit/parse-audit-checkpoints";
import { startAuditCheckpoints, stopAuditCheckpoints } from "@/lib/audit/schedule-audit-checkpoints";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { publicError } from "@/lib/errors";
import { eraseAuditLog, withAuditTriggersDisabled } from "@/test/support/audit-log";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(() => eraseAuditLog());
afterEach(() => {
  vi.restoreAllMocks();
  reloadEnv(process.env);
});

async function writeEvents(n: number) {
  for (let i = 0; i < n; i++) await recordAudit({ kind: "decision.allow", actor: "user:u1", tool: `tool_${i}`, decision: "allow", detail: { i } });
}

/** Deletes events from `from` on, as someone who can switch the triggers off would. */
const deleteTail = (from: bigint, { checkpoints = false } = {}) =>
  withAuditTriggersDisabled(async (tx) => {
    await tx.auditEvent.deleteMany({ where: { seq: { gte: from } } });
    if (checkpoints) await tx.auditCheckpoint.deleteMany();
  });

async function refusal(attempt: Promise<unknown>) {
  const error = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the database accepted the change").not.toBeNull();
  return { error: error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; message?: string } } } }, shown: publicError(error) };
}

describe("the database keeps the audit log append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE on events and on checkpoints, with the trigger's own code", async () => {
    await writeEvents(3);
    await writeAuditCheckpoint();
    const attempts = [
      db().auditEvent.update({ where: { seq: 2n }, data: { decision: "deny" } }),
      db().auditEvent.deleteMany({ where: { seq: { gte: 2n } } }),
      db().$executeRawUnsafe(`UPDATE "AuditEvent" SET "reason" = 'nothing to see'`),
      db().$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "seq" = 3`),
      db().$executeRawUnsafe(`TRUNCATE "AuditEvent"`),
      db().auditCheckpoint.updateMany({ data: { seq: 99n } }),
      db().$executeRawUnsafe(`DELETE FROM "AuditCheckpoint"`),
      db().$executeRawUnsafe(`TRUNCATE "AuditCheckpoint"`),
    ];
    for (const attempt of attempts) {
      const { error, shown } = await refusal(attempt);
      expect(error.meta?.driverAdapterError?.cause?.originalCode).toBe("PA001");
      expect(error.meta?.driverAdapterError?.cause?.message).toMatch(/^the audit log is append-only: (UPDATE|DELETE|TRUNCATE) on "Audit(Event|Checkpoint)" is refused$/);
      // Should the application ever try, the user sees a refusal, not a 500.
      expect(shown).toEqual({ code: "forbidden", status: 403, message: "The audit log is append-only: its events and checkpoints are never changed or deleted." });
    }
    expect(await db().auditEvent.count()).toBe(3);
    expect(await db().auditCheckpoint.count()).toBe(1);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 3 });
  });
});

describe("signed checkpoints", () => {
  it("sign the head with the deployment's key: any altered field, or another deployment's key, fails", () => {
    const checkpoint = signCheckpoint({ seq: 7n, hash: "a".repeat(64) });
    expect(checkpoint).toMatchObject({ type: "portcullis.audit-checkpoint", issuer: "http://localhost:3999", seq: "7", hash: "a".repeat(64) });
    expect(checkpointSignatureValid(checkpoint)).toBe(true);
    expect(checkpointSignatureValid({ ...checkpoint, seq: "6" })).toBe(false);
    expect(checkpointSignatureValid({ ...checkpoint, hash: "b".repeat(64) })).toBe(false);
    expect(checkpointSignatureValid({ ...checkpoint, at: new Date(0).toISOString() })).toBe(false);
    expect(checkpointSignatureValid({ ...checkpoint, issuer: "https://elsewhere.example" })).toBe(false);
    reloadEnv({ ...process.env, PORTCULLIS_SECRET: "another-deployment-secret-0123456789-abcdefghijklmnop" });
    expect(checkpointSignatureValid(checkpoint)).toBe(false);
  });

  it("can be checked outside Portcullis with the public key alone: Ed25519 over the sorted-key JSON of the other fields", () => {
    const { signature, ...signed } = signCheckpoint({ seq: 12n, hash: "c".repeat(64) });
    const bytes = JSON.stringify(Object.fromEntries(Object.entries(signed).sort(([a], [b]) => (a < b ? -1 : 1))));
    const key = createPublicKey({ key: checkpointVerificationKey(), format: "jwk" });
    expect(verify(null, Buffer.from(bytes), key, Buffer.from(signature, "base64url"))).toBe(true);
    expect(verify(null, Buffer.from(bytes.replace('"12"', '"13"')), key, Buffer.from(signature, "base64url"))).toBe(false);
  });

  it("report a deleted tail as broken, naming the missing events", async () => {
    await writeEvents(10);
    expect(await writeAuditCheckpoint()).toMatchObject({ seq: "10" });
    await deleteTail(8n);
    const report = await verifyAuditChain(db());
    expect(report).toMatchObject({ ok: false, checked: 7, head: null, checkpoints: { checked: 1, newest: { seq: "10" } } });
    expect(report.firstBreak).toMatchObject({ seq: "8", problem: "tail_missing", missing: { from: "8", to: "10" } });
    expect(report.firstBreak!.message).toMatch(/^events 8\.\.10 are missing: the chain ends at event 7, but the stored checkpoint #10 \(signed .+\) vouches for events up to 10$/);
  });

  it("report a log emptied entirely as broken", async () => {
    await writeEvents(4);
    await writeAuditCheckpoint();
    await deleteTail(1n);
    expect((await verifyAuditChain(db())).firstBreak).toMatchObject({ seq: "1", problem: "tail_missing", missing: { from: "1", to: "4" } });
  });

  it("report a tail deleted and then written over by new events, from the last checkpoint that still holds", async () => {
    await writeEvents(5);
    await writeAuditCheckpoint();
    await writeEvents(5);
    await writeAuditCheckpoint();
    await deleteTail(8n);
    // The application goes on appending after event 7: events 8..12 now exist again, but not the ones signed.
    await writeEvents(5);
    const report = await verifyAuditChain(db());
    expect(report.firstBreak).toMatchObject({ seq: "10", problem: "checkpoint_mismatch", missing: { from: "6", to: "10" } });
    // And a checkpoint is refused for that head: it would vouch for the replacement.
    await expect(writeAuditCheckpoint()).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("Event 10 is not the event checkpoint #10 vouches for") });
  });

  it("report a chain rewritten with every hash recomputed, which the hash chain alone cannot see", async () => {
    await writeEvents(6);
    await writeAuditCheckpoint();
    await withAuditTriggersDisabled(async (tx) => {
      const rows = await tx.auditEvent.findMany({ orderBy: { seq: "asc" } });
      let prevHash = rows[2].prevHash;
      for (const row of rows.slice(2)) {
        const forged = { ...row, prevHash, reason: row.seq === 3n ? "nothing to see" : row.reason };
        const hash = chainHash(prevHash, forged);
        await tx.auditEvent.update({ where: { seq: row.seq }, data: { reason: forged.reason, prevHash, hash } });
        prevHash = hash;
      }
    });
    const report = await verifyAuditChain(db());
    expect(report.firstBreak).toMatchObject({ seq: "6", problem: "checkpoint_mismatch", missing: { from: "1", to: "6" } });
  });

  it("report an edited or invented checkpoint row as broken", async () => {
    await writeEvents(5);
    await writeAuditCheckpoint();
    await withAuditTriggersDisabled((tx) => tx.auditCheckpoint.update({ where: { seq: 5n }, data: { at: new Date("2020-01-01T00:00:00Z") } }));
    expect((await verifyAuditChain(db())).firstBreak).toMatchObject({ seq: "5", problem: "checkpoint_forged" });

    await eraseAuditLog();
    await writeEvents(3);
    // Inserting needs no trigger switched off; a signature does need the deployment's key.
    const genuine = signCheckpoint({ seq: 3n, hash: (await db().auditEvent.findUniqueOrThrow({ where: { seq: 3n } })).hash });
    await db().auditCheckpoint.create({ data: { seq: 9n, hash: "f".repeat(64), at: new Date(genuine.at), issuer: genuine.issuer, signature: genuine.signature } });
    const report = await verifyAuditChain(db());
    expect(report.firstBreak).toEqual({
      seq: "9",
      problem: "checkpoint_forged",
      message: "the stored checkpoint #9 does not carry this deployment's signature: it was forged, altered, or signed by another deployment",
    });
  });

  it("are written once per event, whoever asks, and come back from the table", async () => {
    await writeEvents(3);
    const [a, b] = await Promise.all([writeAuditCheckpoint(), writeAuditCheckpoint()]);
    expect(a).toEqual(b);
    expect(await db().auditCheckpoint.count()).toBe(1);
    expect(await writeAuditCheckpoint()).toEqual(a);
    await eraseAuditLog();
    expect(await writeAuditCheckpoint()).toBeNull();
  });
});

describe("verifying against an exported checkpoint", () => {
  it("catches a tail deleted together with every checkpoint row", async () => {
    await writeEvents(6);
    const exported = await writeAuditCheckpoint();
    await deleteTail(5n, { checkpoints: true });
    // The database alone can no longer tell: what was deleted left no trace in it.
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 4 });
    const [anchor] = parseAuditCheckpoints(JSON.stringify(exported), "--checkpoint");
    const report = await verifyAuditChain(db(), { anchors: [anchor] });
    expect(report.firstBreak).toMatchObject({ seq: "5", problem: "tail_missing", missing: { from: "5", to: "6" } });
    expect(report.firstBreak!.message).toContain("the given checkpoint #6");
  });

  it("refuses an exported checkpoint that was altered", async () => {
    await writeEvents(2);
    const exported = (await writeAuditCheckpoint())!;
    const report = await verifyAuditChain(db(), { anchors: [{ ...exported, seq: "40" }] });
    expect(report.firstBreak).toMatchObject({ seq: "40", problem: "checkpoint_forged" });
  });

  it("reads checkpoints from the JSON log a server writes, skipping its other lines", async () => {
    reloadEnv({ ...process.env, PORTCULLIS_LOG_LEVEL: "info" });
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
    await writeEvents(3);
    const first = await writeAuditCheckpoint();
    await writeEvents(2);
    const second = await writeAuditCheckpoint();
    vi.restoreAllMocks();
    const log = [`{"time":"x","level":"info","message":"request","status":200}`, ...lines, "not json at all"].join("\n");
    expect(parseAuditCheckpoints(log, "app.log")).toEqual([first, second]);
    expect((await verifyAuditChain(db(), { anchors: parseAuditCheckpoints(log, "app.log") })).ok).toBe(true);
  });

  it("refuses text that holds no checkpoint, or a malformed one, with a clear message", () => {
    expect(() => parseAuditCheckpoints(`{"level":"info"}\n{"level":"warn"}`, "app.log")).toThrow("app.log holds no audit checkpoint");
    expect(() => parseAuditCheckpoints(`{"type":"x"}`, "--checkpoint")).toThrow('--checkpoint: checkpoint 1 is not a Portcullis audit checkpoint: its type is not "portcullis.audit-checkpoint"');
    expect(() => parseAuditCheckpoints(`{"type":"portcullis.audit-checkpoint","seq":"0"}`, "--checkpoint")).toThrow(
      /^--checkpoint: checkpoint 1 is not a Portcullis audit checkpoint: issuer: .*seq: must be a positive event number/,
    );
  });
});

describe("checkpoints written as the log grows", () => {
  it("sign the head every N events, after the append that reaches N, and on verification", async () => {
    reloadEnv({ ...process.env, PORTCULLIS_AUDIT_CHECKPOINT_EVENTS: "5" });
    startAuditCheckpoints();
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => recordAudit({ kind: "decision.deny", tool: `t${i}`, decision: "deny" })));
      // A checkpoint signs the head as it is when it runs: wait for the first before writing more, so that it covers at
      // most those 12 events and the next five reach N again.
      await vi.waitFor(async () => expect(await db().auditCheckpoint.count()).toBeGreaterThanOrEqual(1), { timeout: 15_000, interval: 50 });
      await writeEvents(5);
      await vi.waitFor(async () => expect(await db().auditCheckpoint.count()).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 50 });
    } finally {
      await stopAuditCheckpoints({ final: false });
    }
    const rows = await db().auditCheckpoint.findMany({ orderBy: { seq: "asc" } });
    expect(rows.every((row, i) => i === 0 || row.seq - rows[i - 1].seq >= 5n)).toBe(true);

    const check = await checkAuditChain(CLI_CONTEXT);
    expect(check).toMatchObject({ ok: true, checked: 17, checkpoint: { seq: "17" } });
    expect(check.checkpoints.checked).toBe(rows.length);
    const verified = await db().auditEvent.findFirstOrThrow({ where: { kind: "audit.verified" } });
    expect(verified.reason).toBe(`audit chain intact: 17 event(s) verified from the first up to #17, against ${rows.length} signed checkpoint(s)`);
  });

  it("are left to the server: a process that did not start them (a CLI command) only counts", async () => {
    reloadEnv({ ...process.env, PORTCULLIS_AUDIT_CHECKPOINT_EVENTS: "2" });
    await writeEvents(6);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db().auditCheckpoint.count()).toBe(0);
  });

  it("sign a quiet log's head once its interval has passed, and the last events when the server stops", async () => {
    reloadEnv({ ...process.env, PORTCULLIS_AUDIT_CHECKPOINT_SECONDS: "1" });
    startAuditCheckpoints();
    try {
      await writeEvents(2);
      await vi.waitFor(async () => expect(await db().auditCheckpoint.findFirst({ orderBy: { seq: "desc" } })).toMatchObject({ seq: 2n }), { timeout: 15_000, interval: 100 });
      await writeEvents(1);
    } finally {
      await stopAuditCheckpoints({ final: true });
    }
    expect((await db().auditCheckpoint.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq).toBe(3n);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 3, checkpoints: { newest: { seq: "3" } } });
  });
});

describe("verifying from the newest signed checkpoint", () => {
  it("recomputes only the events written since, and reports where it started and its rate", async () => {
    await writeEvents(10);
    const checkpoint = (await writeAuditCheckpoint())!;
    await writeEvents(3);
    const progress: number[] = [];
    const report = await verifyAuditChain(db(), { since: "checkpoint", onProgress: ({ checked }) => progress.push(checked) });
    expect(report).toMatchObject({ ok: true, checked: 3, from: { seq: "10", at: checkpoint.at }, head: { seq: "13" }, firstBreak: null });
    expect(progress.at(-1)).toBe(3);
    expect(report.rate).toBeGreaterThan(0);
    const full = await verifyAuditChain(db());
    expect(full).toMatchObject({ ok: true, checked: 13, from: null, head: report.head });
  });

  it("reports the checkpoint's head when nothing was written since", async () => {
    await writeEvents(4);
    const checkpoint = (await writeAuditCheckpoint())!;
    expect(await verifyAuditChain(db(), { since: "checkpoint" })).toMatchObject({ ok: true, checked: 0, head: { seq: "4", hash: checkpoint.hash } });
  });

  it("still finds an edit after the checkpoint", async () => {
    await writeEvents(5);
    await writeAuditCheckpoint();
    await writeEvents(3);
    await withAuditTriggersDisabled((tx) => tx.auditEvent.update({ where: { seq: 7n }, data: { reason: "nothing to see" } }));
    expect((await verifyAuditChain(db(), { since: "checkpoint" })).firstBreak).toMatchObject({ seq: "7", problem: "hash_mismatch" });
  });

  it("does not start from a checkpoint whose event was changed: it walks from the first event and says what broke", async () => {
    await writeEvents(6);
    await writeAuditCheckpoint();
    await withAuditTriggersDisabled((tx) => tx.auditEvent.update({ where: { seq: 6n }, data: { reason: "nothing to see" } }));
    const report = await verifyAuditChain(db(), { since: "checkpoint" });
    expect(report).toMatchObject({ ok: false, from: null, firstBreak: { seq: "6", problem: "hash_mismatch" } });
  });

  it("holds every older checkpoint against the hash its event carries", async () => {
    await writeEvents(4);
    await writeAuditCheckpoint();
    await writeEvents(4);
    await writeAuditCheckpoint();
    // Event 4 rewritten with a recomputed hash: the newer checkpoint (#8) still holds on its own, the older one does not.
    const row = await db().auditEvent.findUniqueOrThrow({ where: { seq: 4n } });
    await withAuditTriggersDisabled((tx) => tx.auditEvent.update({ where: { seq: 4n }, data: { reason: "rewritten", hash: chainHash(row.prevHash, { ...row, reason: "rewritten" }) } }));
    expect((await verifyAuditChain(db(), { since: "checkpoint" })).firstBreak).toMatchObject({ seq: "4", problem: "checkpoint_mismatch" });
  });

  it("leaves an edit before the checkpoint that kept the old hash to the full verification (as documented)", async () => {
    await writeEvents(5);
    await writeAuditCheckpoint();
    await withAuditTriggersDisabled((tx) => tx.auditEvent.update({ where: { seq: 2n }, data: { reason: "nothing to see" } }));
    expect((await verifyAuditChain(db(), { since: "checkpoint" })).ok).toBe(true);
    expect((await verifyAuditChain(db(), { since: "genesis" })).firstBreak).toMatchObject({ seq: "2", problem: "hash_mismatch" });
  });

  it("finds a deleted tail that takes the checkpointed event with it", async () => {
    await writeEvents(6);
    await writeAuditCheckpoint();
    await deleteTail(5n);
    expect((await verifyAuditChain(db(), { since: "checkpoint" })).firstBreak).toMatchObject({ problem: "tail_missing", missing: { from: "5", to: "6" } });
  });
});
