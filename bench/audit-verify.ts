// Audit verification benchmark: `npm run bench:verify -- [--rows 1000000] [--since 10000] [--backend pglite|postgres|both]`
//
// Writes a real hash chain of --rows events (hashes computed as the writer computes them, inserted in bulk), signs a
// checkpoint, appends --since more, then times
//   - a full verification from the first event (`audit verify --full`): its rate in events/s, the goal ≥ 500,000/s
//     on PostgreSQL;
//   - a routine verification from the newest checkpoint (`audit verify`): it should cost the --since events, not the
//     whole log — reported with the ratio of its time to the full one's;
// and the bulk loader's own rate. Each on embedded PGlite (through its Unix socket) and on PostgreSQL.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    since: { type: "string", default: "10000" },
    backend: { type: "string", default: "both" },
    "postgres-url": { type: "string", default: process.env.PORTCULLIS_BENCH_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/postgres" },
    /**
     * Measure only the two full verifications on a database already loaded (e.g. kept by `bench:audit -- --loader copy
     * --keep`): nothing is written to it.
     */
    existing: { type: "string" },
    /** With --existing: skip the in-process walk (give its time from an earlier run with --in-process-ms for the ratio). */
    "in-database-only": { type: "boolean", default: false },
    "in-process-ms": { type: "string" },
  },
});
const ROWS = Number(args.rows);
const SINCE = Number(args.since);
const GOAL_RATE = 500_000;

process.env.PORTCULLIS_SECRET = `bench-${randomBytes(24).toString("base64url")}`;
process.env.PORTCULLIS_LOG_LEVEL = "warn";

const { useDatabaseUrl, closeDatabase, db } = await import("@/lib/db/client");
const { openEmbeddedDatabase } = await import("@/lib/db/embedded");
const { applyPendingMigrations } = await import("@/lib/db/migrate");
const { chainHash, GENESIS_HASH } = await import("@/lib/audit/hash-chain");
const { verifyAuditChain } = await import("@/lib/audit/verify-audit-chain");
const { verifyAuditChainInDatabase } = await import("@/lib/audit/verify-audit-chain-in-database");
const { writeAuditCheckpoint } = await import("@/lib/audit/write-audit-checkpoint");
const { createScratchDatabase } = await import("@/test/support/scratch-database");

const log = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);

/** Events shaped like a busy deployment's: mostly tool-call decisions with their reason path, some tokens. */
function event(seq: bigint, at: Date) {
  const n = Number(seq);
  const decision = n % 100 < 85;
  const kind = decision ? (n % 7 ? "decision.allow" : "decision.deny") : n % 100 < 95 ? "token.issued" : "policy.changed";
  const user = `00000000-0000-4000-8000-${String(n % 5000).padStart(12, "0")}`;
  const client = `pcl_${String(n % 200).padStart(22, "0")}`;
  const tool = decision ? `tool_${n % 20}` : null;
  return {
    seq,
    at,
    kind,
    actor: `user:${user}`,
    subject: user,
    clientId: client,
    tool,
    scopes: ["clients:read", "audit:read"],
    decision: decision ? (kind === "decision.allow" ? "allow" : "deny") : null,
    reason: decision ? `user ${user} → role reader → scope clients:read → tool ${tool}` : kind,
    requestId: `req-${n}`,
    ip: `10.0.${n % 250}.${(n * 7) % 250}`,
    detail: decision ? { jti: `jti-${n}`, status: kind === "decision.allow" ? 200 : 403, latencyMs: n % 13 } : {},
  };
}

const CHUNK = 10_000;

/** Appends `count` chained events after the current head, in bulk (one multi-row INSERT per chunk). */
async function load(count: number): Promise<number> {
  const head = await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  let seq = head?.seq ?? 0n;
  let prev = head?.hash ?? GENESIS_HASH;
  const started = performance.now();
  const base = Date.now() - count;
  for (let done = 0; done < count; done += CHUNK) {
    const rows: Array<ReturnType<typeof event> & { prevHash: string; hash: string }> = [];
    for (let i = 0; i < Math.min(CHUNK, count - done); i++) {
      seq += 1n;
      const e = event(seq, new Date(base + done + i));
      const hash = chainHash(prev, e);
      rows.push({ ...e, prevHash: prev, hash });
      prev = hash;
    }
    const column = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await db().$executeRawUnsafe(
      `INSERT INTO "AuditEvent" ("seq", "at", "kind", "actor", "subject", "clientId", "tool", "scopes", "decision", "reason", "requestId", "ip", "detail", "prevHash", "hash")
       SELECT s, a, k, ac, su, c, t, string_to_array(sc, ' '), d, r, q, i, de::jsonb, p, h
       FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
         AS u(s, a, k, ac, su, c, t, sc, d, r, q, i, de, p, h)`,
      column("seq"),
      column("at"),
      column("kind"),
      column("actor"),
      column("subject"),
      column("clientId"),
      column("tool"),
      rows.map((r) => r.scopes.join(" ")),
      column("decision"),
      column("reason"),
      column("requestId"),
      column("ip"),
      rows.map((r) => JSON.stringify(r.detail)),
      column("prevHash"),
      column("hash"),
    );
    process.stdout.write(`\r  loading ${(done + rows.length).toLocaleString("en")} / ${count.toLocaleString("en")}   `);
  }
  const ms = performance.now() - started;
  process.stdout.write("\n");
  return rate(count, ms);
}

async function measure(url: string): Promise<Record<string, number>> {
  await applyPendingMigrations(url);
  useDatabaseUrl(url);
  const loadRate = await load(ROWS);
  log(`  loaded ${ROWS.toLocaleString("en")} chained events at ${loadRate.toLocaleString("en")} events/s`);
  const checkpoint = await writeAuditCheckpoint();
  await load(SINCE);
  await db().$executeRawUnsafe(`ANALYZE "AuditEvent"`);

  const full = await verifyAuditChain(db(), { since: "genesis" });
  if (!full.ok) throw new Error(`the loaded chain does not verify: ${full.firstBreak?.message}`);
  log(`  full verification: ${full.checked.toLocaleString("en")} events in ${(full.elapsedMs / 1000).toFixed(1)} s, ${full.rate.toLocaleString("en")} events/s (goal ≥ ${GOAL_RATE.toLocaleString("en")})`);
  const inDatabase = await fullInDatabase(full.elapsedMs);
  const routine = await verifyAuditChain(db(), { since: "checkpoint" });
  if (!routine.ok || routine.from?.seq !== checkpoint?.seq) throw new Error(`the routine verification did not start from checkpoint #${checkpoint?.seq}`);
  log(
    `  routine verification from checkpoint #${routine.from!.seq}: ${routine.checked.toLocaleString("en")} events in ${routine.elapsedMs.toFixed(0)} ms ` +
      `(${(routine.elapsedMs / full.elapsedMs).toFixed(4)} × the full one)`,
  );
  return { loadRate, fullEvents: full.checked, fullMs: full.elapsedMs, fullRate: full.rate, ...inDatabase, routineEvents: routine.checked, routineMs: routine.elapsedMs };
}

/** The full verification with the hashing done by the database (audit verify --full --in-database), against the in-process one. */
async function fullInDatabase(inProcessMs: number) {
  let lastReport = 0;
  const report = await verifyAuditChainInDatabase(db(), {
    onProgress: ({ checked, elapsedMs }) => {
      if (elapsedMs - lastReport < 5_000) return;
      lastReport = elapsedMs;
      process.stdout.write(`\r  in the database: ${checked.toLocaleString("en")} verified, ${rate(checked, elapsedMs).toLocaleString("en")} events/s   `);
    },
  });
  if (lastReport) process.stdout.write("\n");
  if (!report.ok) throw new Error(`the in-database verification failed: ${report.firstBreak?.message}`);
  log(
    `  full verification in the database: ${report.checked.toLocaleString("en")} events in ${(report.elapsedMs / 1000).toFixed(1)} s, ${report.rate.toLocaleString("en")} events/s ` +
      `(${(inProcessMs / report.elapsedMs).toFixed(1)} × the in-process rate; ${report.recomputedHere} recomputed in-process; goal ≥ ${GOAL_RATE.toLocaleString("en")}: ${report.rate >= GOAL_RATE ? "met" : "not met"})`,
  );
  return { inDatabaseEvents: report.checked, inDatabaseMs: report.elapsedMs, inDatabaseRate: report.rate };
}

const report: Record<string, unknown> = { rows: ROWS, since: SINCE, at: new Date().toISOString(), node: process.version };
if (args.existing) {
  useDatabaseUrl(args.existing);
  log(`Existing database ${new URL(args.existing).pathname.slice(1)}: full verifications only`);
  if (args["in-database-only"]) {
    const earlier = Number(args["in-process-ms"] ?? NaN);
    report.existing = await fullInDatabase(earlier);
    await closeDatabase();
  }
  let lastReport = 0;
  const full = args["in-database-only"] ? null : await verifyAuditChain(db(), {
    since: "genesis",
    onProgress: ({ checked, elapsedMs }) => {
      if (elapsedMs - lastReport < 5_000) return;
      lastReport = elapsedMs;
      process.stdout.write(`\r  in-process: ${checked.toLocaleString("en")} verified, ${rate(checked, elapsedMs).toLocaleString("en")} events/s   `);
    },
  });
  if (full) {
    process.stdout.write("\n");
    if (!full.ok) throw new Error(`the chain does not verify: ${full.firstBreak?.message}`);
    log(`  full verification in-process: ${full.checked.toLocaleString("en")} events in ${(full.elapsedMs / 1000).toFixed(1)} s, ${full.rate.toLocaleString("en")} events/s`);
    report.existing = { fullEvents: full.checked, fullMs: full.elapsedMs, fullRate: full.rate, ...(await fullInDatabase(full.elapsedMs)) };
    await closeDatabase();
  }
} else if (args.backend === "pglite" || args.backend === "both") {
  const dataDir = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
  log(`PGlite (embedded, through its Unix socket)`);
  const embedded = await openEmbeddedDatabase(dataDir, "cli");
  try {
    report.pglite = await measure(embedded.url);
  } finally {
    await closeDatabase();
    await embedded.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
if (!args.existing && (args.backend === "postgres" || args.backend === "both")) {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  try {
    scratch = await createScratchDatabase(args["postgres-url"]!, "portcullis_bench_verify");
  } catch (error) {
    log(`PostgreSQL is not reachable (${(error as Error).message}); skipped.`);
  }
  if (scratch) {
    log(`PostgreSQL`);
    try {
      report.postgres = await measure(scratch.url);
    } finally {
      await closeDatabase();
      await scratch.drop();
    }
  }
}
const out = resolve("bench/results");
mkdirSync(out, { recursive: true });
const file = join(out, `audit-verify-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
log(`Wrote ${file}`);
process.exit(0);
