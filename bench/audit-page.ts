// Audit page benchmark: `npm run bench:audit -- [--rows 1000000] [--runs 9] [--backend pglite|postgres|both] [--http]`
//
// Seeds a fresh database with synthetic audit events, then times what the audit page's server does for
//   - the first page (no filters), and
//   - a filtered page: one client + denied decisions + a 3-day time range,
// plus a deep page, the charts and an export batch — on embedded PGlite (through its Unix socket, as the server uses
// it) and on PostgreSQL. Each figure is the median of several runs after a warm-up, with the ratio to a baseline
// measured in the same run (one event read by primary key through the same stack), so figures from different
// machines compare. With --http it also starts the real server on the seeded data, signs in, and times GET /audit.
//
// Synthetic rows are inserted set-wise with INSERT … SELECT generate_series, not through the hash-chain writer: their
// hashes are placeholders and the chain does not verify. This measures reading, which is what the page does.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "9" },
    backend: { type: "string", default: "both" },
    http: { type: "boolean", default: false },
    "postgres-url": { type: "string", default: process.env.PORTCULLIS_BENCH_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/postgres" },
    port: { type: "string", default: "3519" },
    /** Keep the PostgreSQL database afterwards (to EXPLAIN queries by hand); its name is printed. */
    keep: { type: "boolean", default: false },
    /**
     * How events are made: `sql` (INSERT … SELECT generate_series, placeholder hashes, the chain does not verify) or
     * `copy` (bench/audit-bulk-load.ts: real chain hashes streamed with COPY; PostgreSQL only).
     */
    loader: { type: "string", default: "sql" },
    /** Days the events span, ending now. */
    days: { type: "string", default: "30" },
    /** After the page figures, verify the whole chain from the first event and report its rate (needs --loader copy). */
    verify: { type: "boolean", default: false },
  },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const GOAL_MS = 500;
const SPAN_MS = Number(args.days) * 24 * 3_600_000;
if (!["sql", "copy"].includes(args.loader!)) throw new Error("--loader is sql or copy");
const SECRET = `bench-${randomBytes(24).toString("base64url")}`;
const ADMIN = { email: "bench-admin@example.test", password: "bench-admin-password-1" };

process.env.PORTCULLIS_SECRET = SECRET;
process.env.PORTCULLIS_LOG_LEVEL = "warn";

const { useDatabaseUrl, closeDatabase, db } = await import("@/lib/db/client");
const { openEmbeddedDatabase } = await import("@/lib/db/embedded");
const { applyPendingMigrations } = await import("@/lib/db/migrate");
const { seedPolicy } = await import("@/lib/policy/seed-policy");
const { createUser } = await import("@/lib/users/create-user");
const { resolveAuditFilter } = await import("@/lib/audit/audit-conditions");
const { auditFilterSchema } = await import("@/lib/audit/audit-filter");
const { auditFilterOptions } = await import("@/lib/audit/audit-filter-options");
const { auditParties } = await import("@/lib/audit/audit-parties");
const { listAuditPage } = await import("@/lib/audit/list-audit-page");
const { getAuditEvent } = await import("@/lib/audit/get-audit-event");
const { auditCharts } = await import("@/lib/audit/audit-charts");
const { streamAuditEvents } = await import("@/lib/audit/stream-audit-events");
const { CLI_CONTEXT } = await import("@/lib/audit/context");
const { databaseUrl } = await import("@/lib/db/client");
const { bulkLoadAuditEvents } = await import("./audit-bulk-load");
const { verifyAuditChain } = await import("@/lib/audit/verify-audit-chain");

type Backend = "pglite" | "postgres";

interface Figure {
  name: string;
  median: number;
  p90: number;
  min: number;
  ratio: number;
  goal: boolean;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function time(run: () => Promise<unknown>): Promise<number[]> {
  await run(); // warm-up: plans cached, pages in memory
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

/**
 * Inserts synthetic events set-wise, in chunks (progress, bounded transactions). Seq i happens at
 * end − (ROWS − i)·step over 30 days. 70% are tool-call decisions (85% allowed) over 200 clients with a skewed
 * popularity (client-000 busiest) and 20 tools; the rest are token, policy and login events.
 */
/** 5,000 synthetic users with id-shaped subjects, so the user filter takes them as ids. */
const USER_ID_SQL = `'00000000-0000-4000-8000-' || lpad((g * 7907 % 5000)::text, 12, '0')`;
const benchUser = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

let loadRate = 0;

async function seedEvents(end: number): Promise<void> {
  const chunk = 100_000;
  const step = SPAN_MS / ROWS;
  const started = performance.now();
  // The bench admin's creation was recorded at seq 1; the synthetic log replaces the whole log — as the tables' owner,
  // with the append-only trigger off for this one transaction.
  await db().$transaction([
    db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`),
    db().$executeRawUnsafe(`DELETE FROM "AuditEvent"`),
    db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`),
  ]);
  if (args.loader === "copy") {
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      const loaded = await bulkLoadAuditEvents(client, {
        events: ROWS,
        end,
        spanMs: SPAN_MS,
        onProgress: (n, elapsedMs) => {
          const secs = elapsedMs / 1000;
          process.stdout.write(`\r  loading ${n.toLocaleString("en")} / ${ROWS.toLocaleString("en")} chained events (${secs.toFixed(0)} s, ${Math.round(n / secs).toLocaleString("en")}/s, ~${((ROWS - n) / (n / secs)).toFixed(0)} s left)   `);
        },
      });
      loadRate = loaded.rate;
    } finally {
      await client.end();
    }
    process.stdout.write("\n");
    await db().$executeRawUnsafe(`ANALYZE "AuditEvent"`);
    log(`  loaded ${ROWS.toLocaleString("en")} chained events with COPY at ${loadRate.toLocaleString("en")} events/s (${((performance.now() - started) / 1000).toFixed(1)} s incl. ANALYZE)`);
    return;
  }
  // Months without a partition would land in the default one (PostgreSQL; nothing on the embedded database).
  await db().$executeRawUnsafe(`SELECT "portcullis_ensure_audit_partitions"($1::timestamptz, 3)`, new Date(end - SPAN_MS));
  for (let from = 1; from <= ROWS; from += chunk) {
    const to = Math.min(ROWS, from + chunk - 1);
    await db().$executeRawUnsafe(`
      INSERT INTO "AuditEvent" ("seq", "at", "kind", "actor", "subject", "clientId", "tool", "scopes", "decision", "reason", "requestId", "ip", "detail", "prevHash", "hash")
      SELECT g,
        to_timestamp((${end} - (${ROWS} - g) * ${step}) / 1000.0),
        k.kind,
        CASE WHEN k.kind = 'policy.changed' OR k.kind = 'admin.login' THEN 'user:bench-admin' ELSE 'user:' || ${USER_ID_SQL} END,
        ${USER_ID_SQL},
        CASE WHEN k.kind LIKE 'decision.%' OR k.kind LIKE 'token.%' THEN 'client-' || lpad(floor(200 * power(((g * 2654435761) % 1000003) / 1000003.0, 2))::int::text, 3, '0') END,
        CASE WHEN k.kind LIKE 'decision.%' THEN 'tool_' || (g * 40503 % 97 % 20) END,
        ARRAY['clients:read'],
        CASE k.kind WHEN 'decision.allow' THEN 'allow' WHEN 'decision.deny' THEN 'deny' END,
        CASE WHEN k.kind LIKE 'decision.%' THEN 'user ' || ${USER_ID_SQL} || ' → role reader → scope clients:read → tool tool_' || (g * 40503 % 97 % 20) ELSE k.kind END,
        'bench-' || g,
        '10.0.' || (g % 250) || '.' || (g * 7 % 250),
        '{}'::jsonb,
        encode(sha256(int8send(g - 1)), 'hex'),
        encode(sha256(int8send(g)), 'hex')
      FROM generate_series(${from}::bigint, ${to}::bigint) AS g
      CROSS JOIN LATERAL (SELECT CASE
        WHEN g % 100 < 70 THEN CASE WHEN (g * 31) % 100 < 85 THEN 'decision.allow' ELSE 'decision.deny' END
        WHEN g % 100 < 85 THEN 'token.issued'
        WHEN g % 100 < 95 THEN 'token.refreshed'
        WHEN g % 100 < 98 THEN 'policy.changed'
        ELSE 'admin.login' END AS kind) AS k`);
    const done = to / ROWS;
    const elapsed = (performance.now() - started) / 1000;
    process.stdout.write(`\r  seeding ${to.toLocaleString("en")} / ${ROWS.toLocaleString("en")} events (${elapsed.toFixed(0)} s, ~${(elapsed / done - elapsed).toFixed(0)} s left)   `);
  }
  process.stdout.write("\n");
  await db().$executeRawUnsafe(`ANALYZE "AuditEvent"`);
  log(`  seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function measure(backend: Backend, end: number): Promise<Figure[]> {
  const database = db();
  const filterOf = async (input: Record<string, string>) => resolveAuditFilter(database, auditFilterSchema.parse(input));
  const iso = (offsetDays: number) => new Date(end - SPAN_MS + offsetDays * 86_400_000).toISOString().slice(0, 19);
  const none = await filterOf({});
  const filtered = await filterOf({ client: "client-020", decision: "deny", from: iso(10), to: iso(13) });
  const busiest = await filterOf({ client: "client-000", decision: "deny", from: iso(10), to: iso(13) });
  const rare = await filterOf({ client: "client-199", decision: "deny", from: iso(2), to: iso(5) });
  const deep = BigInt(Math.floor(ROWS / 2));
  const user = await filterOf({ user: benchUser(17) });
  const userInRange = await filterOf({ user: benchUser(17), from: iso(10), to: iso(20) });

  /** What the page's server does before it can send the table: options, the page, the names on it. */
  const pageData = async (filter: typeof none, before?: bigint) => {
    const [, page] = await Promise.all([auditFilterOptions(database), listAuditPage(database, filter, { size: 50, before })]);
    await auditParties(database, page.events);
    return page;
  };
  const check = await pageData(filtered);
  log(`  filtered page holds ${check.events.length} events (client-020, deny, days 10–13)`);

  const cases: Array<[string, () => Promise<unknown>]> = [
    ["baseline: one event by seq", () => getAuditEvent(database, deep)],
    ["first page (no filters)", () => pageData(none)],
    ["filtered page: client + deny + 3 days", () => pageData(filtered)],
    ["filtered page: busiest client", () => pageData(busiest)],
    ["filtered page: rarest client", () => pageData(rare)],
    ["filtered page: one user (subject or actor)", () => pageData(user)],
    ["filtered page: one user + 10 days", () => pageData(userInRange)],
    [`deep page (seq < ${deep.toLocaleString("en")})`, () => pageData(none, deep)],
    ["charts: last 24 h", () => auditCharts(database, none, new Date(end))],
    ["charts: filtered, 3 days", () => auditCharts(database, filtered, new Date(end))],
    ["export: first batch (first byte)", async () => {
      for await (const batch of streamAuditEvents(database, none)) if (batch.length) break;
    }],
    ["export: first batch, filtered (first byte)", async () => {
      for await (const batch of streamAuditEvents(database, filtered)) if (batch.length) break;
    }],
    ["export: first 10,000 events streamed", async () => {
      let n = 0;
      for await (const batch of streamAuditEvents(database, none)) if ((n += batch.length) >= 10_000) break;
    }],
  ];
  const figures: Figure[] = [];
  let baseline = 1;
  for (const [name, run] of cases) {
    const samples = await time(run);
    const median = percentile(samples, 0.5);
    if (figures.length === 0) baseline = median;
    figures.push({ name, median, p90: percentile(samples, 0.9), min: samples[0], ratio: median / baseline, goal: median < GOAL_MS });
    log(`  ${name.padEnd(42)} median ${ms(median).padStart(10)}  p90 ${ms(percentile(samples, 0.9)).padStart(10)}  ×${(median / baseline).toFixed(1)} baseline`);
  }
  void backend;
  if (args.verify) {
    log(`  full verification from the first event…`);
    let lastReport = 0;
    const report = await verifyAuditChain(database, {
      onProgress: ({ checked, elapsedMs }) => {
        if (elapsedMs - lastReport < 5_000) return;
        lastReport = elapsedMs;
        process.stdout.write(`\r  verified ${checked.toLocaleString("en")} / ${ROWS.toLocaleString("en")} (${Math.round((checked * 1000) / elapsedMs).toLocaleString("en")} events/s)   `);
      },
    });
    process.stdout.write("\n");
    log(`  full verification: ${report.ok ? "intact" : `BROKEN (${report.firstBreak?.message})`}, ${report.checked.toLocaleString("en")} events in ${(report.elapsedMs / 1000).toFixed(1)} s, ${report.rate.toLocaleString("en")} events/s (goal 500,000/s: ${report.rate >= 500_000 ? "met" : "not met"})`);
    figures.push({ name: "full verification, events/s", median: report.rate, p90: report.rate, min: report.rate, ratio: 0, goal: report.ok && report.rate >= 500_000 });
  }
  if (loadRate) figures.push({ name: "bulk load (COPY), events/s", median: loadRate, p90: loadRate, min: loadRate, ratio: 0, goal: true });
  return figures;
}

// --- the real server over HTTP -------------------------------------------------------------------------------

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** Signs in through Auth.js's credentials endpoint and returns the session cookie. */
async function signIn(base: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, callbackUrl: `${base}/` }),
  });
  const session = response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`sign-in failed (${response.status})`);
  return [...cookies, session].join("; ");
}

async function measureHttp(env: Record<string, string>, end: number): Promise<Figure[]> {
  const port = Number(args.port);
  const base = `http://localhost:${port}`;
  const server: ChildProcess = spawn("node_modules/.bin/tsx", ["server.ts"], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", PORTCULLIS_BASE_URL: base, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: false,
  });
  try {
    await waitFor(`${base}/login`, 300_000);
    const cookie = await signIn(base);
    const iso = (offsetDays: number) => new Date(end - SPAN_MS + offsetDays * 86_400_000).toISOString().slice(0, 19);
    const filtered = new URLSearchParams({ client: "client-020", decision: "deny", from: iso(10), to: iso(13) });
    const get = (path: string, full: boolean) => async () => {
      const response = await fetch(`${base}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
      if (full) await response.text();
      else await response.body?.cancel();
    };
    const figures: Figure[] = [];
    const baselineSamples = await time(get("/login", true));
    const baseline = percentile(baselineSamples, 0.5);
    for (const [name, path, full] of [
      ["HTTP baseline: GET /login", "/login", true],
      ["HTTP GET /audit, first byte", "/audit", false],
      ["HTTP GET /audit, whole page incl. charts", "/audit", true],
      ["HTTP GET /audit?filtered, first byte", `/audit?${filtered}`, false],
      ["HTTP GET /audit?filtered, whole page", `/audit?${filtered}`, true],
    ] as const) {
      const samples = name.startsWith("HTTP baseline") ? baselineSamples : await time(get(path, full));
      const median = percentile(samples, 0.5);
      figures.push({ name, median, p90: percentile(samples, 0.9), min: samples[0], ratio: median / baseline, goal: median < GOAL_MS });
      log(`  ${name.padEnd(42)} median ${ms(median).padStart(10)}  p90 ${ms(percentile(samples, 0.9)).padStart(10)}  ×${(median / baseline).toFixed(1)} baseline`);
    }
    return figures;
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
}

// --- backends ------------------------------------------------------------------------------------------------

async function prepare(url: string, end: number): Promise<void> {
  await applyPendingMigrations(url);
  useDatabaseUrl(url);
  await seedPolicy(db());
  await createUser({ email: ADMIN.email, name: "Bench admin", password: ADMIN.password, roles: ["iam_admin"] }, CLI_CONTEXT);
  await seedEvents(end);
}

async function runPglite(): Promise<Record<string, Figure[]>> {
  const dataDir = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
  log(`\nPGlite (embedded, through its Unix socket) — data in ${dataDir}`);
  const results: Record<string, Figure[]> = {};
  try {
    const end = Date.now();
    const embedded = await openEmbeddedDatabase(dataDir, "cli");
    try {
      await prepare(embedded.url, end);
      results.lib = await measure("pglite", end);
    } finally {
      await closeDatabase();
      await embedded.close();
    }
    if (args.http) {
      log("  starting the server on this data…");
      results.http = await measureHttp({ PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_SECRET: SECRET }, end);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

async function runPostgres(): Promise<Record<string, Figure[]> | null> {
  const serverUrl = args["postgres-url"]!;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    log(`\nPostgreSQL at ${new URL(serverUrl).host} is not reachable (${(error as Error).message}); skipped.`);
    return null;
  }
  const name = `portcullis_bench_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  log(`\nPostgreSQL ${target.host}/${name}`);
  const results: Record<string, Figure[]> = {};
  try {
    const end = Date.now();
    await prepare(target.href, end);
    results.lib = await measure("postgres", end);
    await closeDatabase();
    if (args.http) {
      log("  starting the server on this database…");
      const dataDir = mkdtempSync(join(tmpdir(), "portcullis-bench-pg-"));
      try {
        results.http = await measureHttp({ DATABASE_URL: target.href, PORTCULLIS_SECRET: SECRET, PORTCULLIS_DATA_DIR: dataDir }, end);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await closeDatabase();
    if (args.keep) {
      log(`  kept ${target.href}`);
      return results;
    }
    const dropper = new pg.Client({ connectionString: serverUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  }
  return results;
}

log(`Audit page benchmark: ${ROWS.toLocaleString("en")} events, ${RUNS} runs per figure (median after a warm-up), goal < ${GOAL_MS} ms`);
const report: Record<string, unknown> = { rows: ROWS, runs: RUNS, goalMs: GOAL_MS, at: new Date().toISOString(), node: process.version };
if (args.backend === "pglite" || args.backend === "both") report.pglite = await runPglite();
if (args.backend === "postgres" || args.backend === "both") report.postgres = await runPostgres();

const out = resolve("bench/results");
mkdirSync(out, { recursive: true });
const file = join(out, `audit-page-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
const missed = Object.values(report)
  .filter((v): v is Record<string, Figure[]> => typeof v === "object" && v !== null && !Array.isArray(v))
  .flatMap((r) => Object.values(r).flat())
  .filter((f) => /page|first byte/.test(f.name) && !f.goal);
log(`\nWrote ${file}`);
log(missed.length ? `Over the ${GOAL_MS} ms goal: ${missed.map((f) => f.name).join("; ")}` : `Every page figure is under the ${GOAL_MS} ms goal.`);
process.exit(0);
