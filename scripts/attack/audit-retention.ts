/**
 * An operator's mistakes and an attacker's edits around audit retention (lib/audit/apply-audit-retention.ts) and its
 * archives (lib/audit/verify-audit-archive.ts): a retention too short, an archive directory that cannot be written, a
 * second writer after the same tail across months, and archive files that were changed, cut short, or signed by
 * someone else. Nothing here may drop a month or pass a changed archive as intact.
 *
 * Runs against the live server's database through lib/, like the audit-tamper area; what it writes is rolled back.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_CONTEXT } from "@/lib/audit";
import { applyAuditRetention } from "@/lib/audit/apply-audit-retention";
import { AUDIT_ARCHIVE_TYPE } from "@/lib/audit/audit-archive-format";
import { signCheckpoint } from "@/lib/audit/checkpoint-signature";
import { chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
import { verifyAuditArchive } from "@/lib/audit/verify-audit-archive";
import auditVerify from "@/lib/cli/commands/audit-verify";
import { db } from "@/lib/db/client";
import { ConfigError, env, reloadEnv } from "@/lib/env";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";

const eventCount = async () => Number((await db().$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "AuditEvent"`))[0].n);
const partitioned = async () => (await db().$queryRawUnsafe<Array<{ p: boolean }>>(`SELECT relkind = 'p' AS p FROM pg_class WHERE oid = '"AuditEvent"'::regclass`))[0].p;

/** Runs retention as asked and demands the exact refusal, with not one event or archive row gone. */
async function refusedRetention(options: Parameters<typeof applyAuditRetention>[1], code: string, message: RegExp): Promise<void> {
  const before = await eventCount();
  const archives = await db().auditArchive.count();
  let error: unknown;
  try {
    const result = await applyAuditRetention(CLI_CONTEXT, options);
    demand(false, `retention ran: ${result.archived.length} month(s) archived`);
  } catch (caught) {
    error = caught;
  }
  const got = error as { code?: string; message?: string };
  demand(got?.code === code && message.test(got.message ?? ""), `refused otherwise: ${got?.code} ${got?.message}`);
  demand((await eventCount()) === before && (await db().auditArchive.count()) === archives, "events or archives changed although it was refused");
}

/** A valid archive of a small synthetic chain, as lines, for the forgery cases to change. */
function archiveLines(): string[] {
  let prev = GENESIS_HASH;
  const events = Array.from({ length: 5 }, (_, i) => {
    const unhashed = {
      seq: BigInt(i + 1),
      at: new Date(Date.UTC(2020, 0, 1, 0, 0, i)),
      kind: "decision.deny",
      actor: "user:mallory",
      subject: null,
      clientId: "pcl_x",
      tool: "delete_everything",
      scopes: ["a"],
      decision: "deny",
      reason: "denied",
      requestId: null,
      ip: null,
      detail: {},
    };
    const hash = chainHash(prev, unhashed);
    const line = { ...unhashed, seq: unhashed.seq.toString(), at: unhashed.at.toISOString(), prevHash: prev, hash };
    prev = hash;
    return line;
  });
  const header = { type: AUDIT_ARCHIVE_TYPE, version: 1, partition: "AuditEvent_2020_01", from: "2020-01-01T00:00:00.000Z", to: "2020-02-01T00:00:00.000Z", firstSeq: "1", lastSeq: "5", events: "5", firstPrevHash: GENESIS_HASH, issuer: env().issuer };
  const checkpoint = signCheckpoint({ seq: 5n, hash: prev });
  return [header, ...events, checkpoint].map((v) => JSON.stringify(v));
}

function forgedArchive(name: string, change: (lines: string[]) => string[], problem: RegExp) {
  return attack(name, `audit verify-archive: not intact (${problem.source})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-attack-archive-"));
    try {
      const valid = join(dir, "valid.jsonl");
      writeFileSync(valid, `${archiveLines().join("\n")}\n`);
      demand((await verifyAuditArchive(valid)).ok, "the untouched archive did not verify: the case is broken");
      const file = join(dir, "forged.jsonl");
      writeFileSync(file, `${change(archiveLines()).join("\n")}\n`);
      const report = await verifyAuditArchive(file);
      demand(!report.ok && problem.test(report.problem ?? ""), `verify-archive answered ${report.ok ? "intact" : report.problem}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export function attacks(_deps: AttackDeps): AttackArea {
  return {
    name: "Audit retention",
    cases: [
      attack("audit archive --days 7 (a retention shorter than 31 days)", "invalid_input: too short, nothing dropped", () =>
        refusedRetention({ days: 7 }, "invalid_input", /7 day\(s\) is too short: at least 31 days are kept\. Nothing was archived or dropped\./),
      ),
      attack("PORTCULLIS_AUDIT_RETENTION_DAYS=1 at start-up", "ConfigError naming the variable", async () => {
        try {
          reloadEnv({ ...process.env, PORTCULLIS_AUDIT_RETENTION_DAYS: "1" });
          demand(false, "the configuration was accepted");
        } catch (error) {
          demand(
            error instanceof ConfigError && error.problems.includes("PORTCULLIS_AUDIT_RETENTION_DAYS: must be 0 (keep every event) or at least 31 days"),
            `refused otherwise: ${(error as Error).message}`,
          );
        }
      }),
      attack("audit archive into a directory that cannot be written", "PostgreSQL: conflict, nothing dropped; embedded: invalid_input (PostgreSQL only)", async () => {
        const dir = mkdtempSync(join(tmpdir(), "portcullis-attack-retention-"));
        try {
          const file = join(dir, "not-a-directory");
          writeFileSync(file, "x");
          if (await partitioned()) {
            await refusedRetention({ days: 31, dir: join(file, "archive") }, "conflict", /cannot write to the audit archive directory .*nothing was archived or dropped/);
          } else {
            await refusedRetention({ days: 31, dir: join(file, "archive") }, "invalid_input", /Audit retention needs PostgreSQL/);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      attack("a second writer appends after the same tail, dated in a later month", "SQLSTATE 23505, nothing inserted", async () => {
        const before = await eventCount();
        let code: string | undefined;
        try {
          await db().$transaction(async (tx) => {
            const [{ seq }] = await tx.$queryRawUnsafe<Array<{ seq: bigint }>>(`SELECT max("seq") AS seq FROM "AuditEvent"`);
            await tx.$executeRawUnsafe(`INSERT INTO "AuditEvent" ("seq", "at", "kind", "prevHash", "hash") VALUES ($1, now() + interval '40 days', 'policy.changed', 'x', 'y')`, seq);
          });
        } catch (error) {
          const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })?.meta?.driverAdapterError?.cause;
          code = cause?.originalCode ?? (error as { code?: string }).code;
        }
        demand(code === "23505", `answered ${code ?? "nothing: the duplicate was inserted"}`);
        demand((await eventCount()) === before, "an event was inserted");
      }),
      attack("audit verify --in-database without --full", "invalid_input naming --in-database", async () => {
        const parsed = auditVerify.schema.safeParse({ "in-database": true });
        demand(!parsed.success && parsed.error.issues.some((i) => i.message === "--in-database is a way to run --full: give both"), "the options were accepted");
      }),
      forgedArchive("an archived event rewritten (deny → allow)", (lines) => lines.map((l, i) => (i === 3 ? l.replace('"decision":"deny"', '"decision":"allow"') : l)), /event 3 was changed after it was written/),
      forgedArchive("an archived event removed", (lines) => lines.filter((_, i) => i !== 2), /event 2 is missing/),
      forgedArchive("the archive cut short (closing checkpoint gone)", (lines) => lines.slice(0, -1), /closing checkpoint is missing/),
      forgedArchive(
        "the closing checkpoint re-signed by another key",
        (lines) => {
          const checkpoint = JSON.parse(lines[lines.length - 1]) as { signature: string };
          checkpoint.signature = randomBytes(64).toString("base64url");
          return [...lines.slice(0, -1), JSON.stringify(checkpoint)];
        },
        /does not carry this deployment's signature/,
      ),
      forgedArchive(
        "every event rewritten and re-hashed, the old checkpoint kept",
        (lines) => {
          let prev = GENESIS_HASH;
          return lines.map((l, i) => {
            if (i === 0 || i === lines.length - 1) return l;
            const event = JSON.parse(l) as Record<string, unknown>;
            const rewritten = { ...event, decision: "allow", kind: "decision.allow" };
            const hash = chainHash(prev, { ...rewritten, seq: BigInt(event.seq as string), at: new Date(event.at as string) } as never);
            const out = JSON.stringify({ ...rewritten, prevHash: prev, hash });
            prev = hash;
            return out;
          });
        },
        /closing checkpoint vouches for event 5 with another hash/,
      ),
    ],
  };
}
