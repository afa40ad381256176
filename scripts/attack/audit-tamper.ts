/**
 * Someone with write access to the database goes after the audit log. Plain UPDATE, DELETE and TRUNCATE must be
 * refused by the database itself; someone who can switch the triggers off (the tables' owner, a superuser) must still
 * not get a log that verifies as intact after deleting its tail or rewriting it.
 *
 * Every case runs inside a transaction that is rolled back whatever happens, against the live server's database: the
 * log the other areas (and the server) see is never left changed, even on code that lets the change through.
 */
import { verifyAuditChain, type ChainReport } from "@/lib/audit";
import { checkpointSignatureValid, signCheckpoint, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { chainHash } from "@/lib/audit/hash-chain";
import { writeAuditCheckpoint } from "@/lib/audit/write-audit-checkpoint";
import { db, type Tx } from "@/lib/db/client";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";

class RolledBack extends Error {}

/** Runs `attempt` in a transaction that never commits; returns what it returned, or the error the database raised. */
async function rolledBack<T>(attempt: (tx: Tx) => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } = {};
  try {
    await db().$transaction(async (tx) => {
      try {
        outcome = { value: await attempt(tx) };
      } catch (error) {
        outcome = { error };
      }
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) outcome = { error };
  }
  return outcome;
}

/** The SQLSTATE and message PostgreSQL answered with, through Prisma or the driver. */
function databaseRefusal(error: unknown): { code?: string; message?: string } {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; originalMessage?: string } } } })?.meta?.driverAdapterError?.cause;
  return { code: cause?.originalCode ?? (error as { code?: string })?.code, message: cause?.originalMessage ?? (error as Error)?.message };
}

/** A plain statement against the audit tables must be refused by the append-only trigger, and change nothing. */
function refused(name: string, sql: string, operation: "UPDATE" | "DELETE" | "TRUNCATE", table: "AuditEvent" | "AuditCheckpoint") {
  const expected = `SQLSTATE PA001 "the audit log is append-only: ${operation} on "${table}" is refused"`;
  return attack(name, expected, async () => {
    // Something to refuse: the suite's fixtures wrote events; a checkpoint is signed as `audit checkpoint` would.
    await writeAuditCheckpoint();
    const { error, value } = await rolledBack((tx) => tx.$executeRawUnsafe(sql));
    const { code, message } = databaseRefusal(error);
    demand(
      code === "PA001" && message === `the audit log is append-only: ${operation} on "${table}" is refused`,
      error ? `refused otherwise: SQLSTATE ${code}: ${message}` : `the database accepted it (${String(value)} row(s) affected)`,
    );
  });
}

/** As the tables' owner: triggers off for this transaction only, then `tamper`, then the verification's report. */
function verifyAfter(tamper: (tx: Tx) => Promise<void>, anchors: AuditCheckpoint[] = []): Promise<{ value?: ChainReport; error?: unknown }> {
  return rolledBack(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER USER`);
    await tamper(tx);
    return verifyAuditChain(tx, { anchors });
  });
}

function expectBroken(outcome: { value?: ChainReport; error?: unknown }, problem: string, missing: { from: bigint; to: bigint } | null, seq: bigint): void {
  demand(outcome.value, `the case could not tamper: ${String((outcome.error as Error)?.message ?? outcome.error)}`);
  const { ok, firstBreak } = outcome.value;
  demand(!ok, `audit verify reported the tampered log intact (${outcome.value.checked} events, ${outcome.value.checkpoints?.checked ?? 0} checkpoints)`);
  const wanted = missing ? { from: missing.from.toString(), to: missing.to.toString() } : undefined;
  demand(
    firstBreak?.problem === problem && firstBreak.seq === seq.toString() && JSON.stringify(firstBreak.missing) === JSON.stringify(wanted),
    `audit verify reported ${JSON.stringify(firstBreak)}`,
  );
}

/** The current head, signed now: what the server's periodic checkpoint or `audit checkpoint` would have kept. */
async function signedHead(): Promise<AuditCheckpoint> {
  const checkpoint = await writeAuditCheckpoint();
  if (!checkpoint || !checkpointSignatureValid(checkpoint)) throw new Error("the fixtures left no audit event to checkpoint");
  return checkpoint;
}

export function attacks(_deps: AttackDeps): AttackArea {
  return {
    name: "Audit tampering",
    cases: [
      refused("UPDATE a recorded decision (deny rewritten to allow)", `UPDATE "AuditEvent" SET "decision" = 'allow', "kind" = 'decision.allow' WHERE "kind" = 'decision.deny' OR "seq" = (SELECT max("seq") FROM "AuditEvent")`, "UPDATE", "AuditEvent"),
      refused("DELETE the newest audit events", `DELETE FROM "AuditEvent" WHERE "seq" > (SELECT max("seq") - 3 FROM "AuditEvent")`, "DELETE", "AuditEvent"),
      refused("TRUNCATE the audit log", `TRUNCATE "AuditEvent"`, "TRUNCATE", "AuditEvent"),
      refused("DELETE the signed checkpoints", `DELETE FROM "AuditCheckpoint"`, "DELETE", "AuditCheckpoint"),
      refused("UPDATE a checkpoint back to an earlier event", `UPDATE "AuditCheckpoint" SET "seq" = "seq" - 1`, "UPDATE", "AuditCheckpoint"),

      attack("delete the log's tail with the triggers switched off", "audit verify: broken, tail_missing, events head-2..head", async () => {
        const head = BigInt((await signedHead()).seq);
        demand(head > 3n, `the log is too short to cut (${head} events)`);
        expectBroken(await verifyAfter((tx) => tx.auditEvent.deleteMany({ where: { seq: { gt: head - 3n } } }).then(() => {})), "tail_missing", { from: head - 2n, to: head }, head - 2n);
      }),
      attack("delete the tail, then let the application write new events over it", "audit verify: broken, checkpoint_mismatch at the signed head", async () => {
        const head = BigInt((await signedHead()).seq);
        const cut = head - 3n;
        // The first checkpoint past the cut is contradicted; the range replaced starts after the last one before it.
        const checkpoints = (await db().auditCheckpoint.findMany({ select: { seq: true }, orderBy: { seq: "asc" } })).map((c) => c.seq);
        const contradicted = checkpoints.find((seq) => seq > cut)!;
        const lastIntact = checkpoints.filter((seq) => seq <= cut).pop() ?? 0n;
        const outcome = await verifyAfter(async (tx) => {
          const kept = await tx.auditEvent.findUniqueOrThrow({ where: { seq: cut } });
          await tx.auditEvent.deleteMany({ where: { seq: { gt: cut } } });
          // Three replacement events, properly chained after the cut: what the server appends next.
          let prevHash = kept.hash;
          for (let seq = cut + 1n; seq <= head; seq++) {
            const event = { seq, at: new Date(), kind: "admin.login", actor: "user:attacker", subject: null, clientId: null, tool: null, scopes: [], decision: null, reason: "nothing happened", requestId: null, ip: null, detail: {} };
            const hash = chainHash(prevHash, event);
            await tx.auditEvent.create({ data: { ...event, prevHash, hash } });
            prevHash = hash;
          }
        });
        expectBroken(outcome, "checkpoint_mismatch", { from: lastIntact + 1n, to: contradicted }, contradicted);
      }),
      attack("delete the tail and every checkpoint row; verify against the exported checkpoint", "audit verify --checkpoint: broken, tail_missing, events head-1..head", async () => {
        const exported = await signedHead();
        const head = BigInt(exported.seq);
        const outcome = await verifyAfter(async (tx) => {
          await tx.auditCheckpoint.deleteMany();
          await tx.auditEvent.deleteMany({ where: { seq: { gt: head - 2n } } });
        }, [exported]);
        expectBroken(outcome, "tail_missing", { from: head - 1n, to: head }, head - 1n);
      }),
      attack("move a checkpoint back past the deleted tail (row edited)", "audit verify: broken, checkpoint_forged", async () => {
        const head = BigInt((await signedHead()).seq);
        const outcome = await verifyAfter(async (tx) => {
          const real = await tx.auditCheckpoint.findUniqueOrThrow({ where: { seq: head } });
          const cut = await tx.auditEvent.findUniqueOrThrow({ where: { seq: head - 2n } });
          await tx.auditEvent.deleteMany({ where: { seq: { gt: head - 2n } } });
          // The newest checkpoint now claims the cut head; its signature was made for the real one.
          await tx.auditCheckpoint.deleteMany({ where: { seq: { gte: head - 2n } } });
          await tx.auditCheckpoint.create({ data: { ...real, seq: head - 2n, hash: cut.hash } });
        });
        expectBroken(outcome, "checkpoint_forged", null, head - 2n);
      }),
      attack("invent a checkpoint far ahead, its signature copied from another", "audit verify: broken, checkpoint_forged", async () => {
        const head = BigInt((await signedHead()).seq);
        const genuine = signCheckpoint({ seq: head, hash: "0".repeat(64) });
        const outcome = await verifyAfter(async (tx) => {
          await tx.auditCheckpoint.create({ data: { seq: head + 50n, hash: "f".repeat(64), at: new Date(genuine.at), issuer: genuine.issuer, signature: genuine.signature } });
        });
        expectBroken(outcome, "checkpoint_forged", null, head + 50n);
      }),
    ],
  };
}
