/**
 * client_credentials token issuance throughput: Portcullis against node-oidc-provider configured for the same grant,
 * both measured in this run on this machine, alternating rounds so background load hits both alike.
 *
 *   npm run bench:token                       # embedded database (the default install)
 *   BENCH_DATABASE_URL=postgresql://… npm run bench:token   # Portcullis on PostgreSQL (a scratch database there)
 *
 * Options (environment): BENCH_SECONDS (per round, default 10), BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (requests
 * in flight, a comma-separated list of levels, default "32,128"), BENCH_PORT (Portcullis, default 3312) and
 * BENCH_BASELINE_PORT (node-oidc-provider, default BENCH_PORT + 1), BENCH_DATABASE_PREFIX (scratch database name).
 * Portcullis issues a durable, audited token per request (AccessToken row + hash-chained audit event, committed before
 * the response). It is measured against two configurations of node-oidc-provider:
 * - stateless: JWT access tokens, its in-memory adapter, nothing stored;
 * - durable: opaque access tokens stored through a PostgreSQL adapter (bench/oidc-provider-pg-adapter.ts) in a scratch
 *   database on BENCH_PEER_POSTGRES_URL (default postgresql://root@127.0.0.1:5432/postgres) before each response —
 *   like for like with Portcullis. Skipped, with a message, when no PostgreSQL answers there.
 * The report gives requests/s, p50 and p99 latency for each and the ratios; afterwards the audit chain is verified,
 * every 200 Portcullis answered is matched by a token row and a `token.issued` event, and every 200 the durable peer
 * answered by a stored token.
 * BENCH_BEFORE=<dir> also runs the Portcullis of another checkout (an earlier commit, with its dependencies installed
 * and built) on BENCH_BEFORE_PORT (default: the port after the durable peer's) as one more target in the same
 * alternating rounds, so a change is measured before and after under the same load; its tokens are checked the same way.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createScratchDatabase } from "@/test/support/scratch-database";
import { scratchPostgres, type ScratchDatabase } from "./scratch-postgres";

const STATELESS = "node-oidc-provider (stateless JWT)";
const DURABLE = "node-oidc-provider (durable, PostgreSQL)";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY_LEVELS = (process.env.BENCH_CONCURRENCY ?? "32,128").split(",").map(Number);
const PORTCULLIS_PORT = Number(process.env.BENCH_PORT ?? 3312);
const OIDC_PORT = Number(process.env.BENCH_BASELINE_PORT ?? PORTCULLIS_PORT + 1);
const ISSUER = `http://localhost:${PORTCULLIS_PORT}`;
const RESOURCE = `${ISSUER}/mcp`;
const SCOPE = "clients:read audit:read";

const PEER_POSTGRES_URL = process.env.BENCH_PEER_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/postgres";
const DURABLE_PORT = OIDC_PORT + 1;

const BEFORE_DIR = process.env.BENCH_BEFORE;
const BEFORE_PORT = Number(process.env.BENCH_BEFORE_PORT ?? DURABLE_PORT + 1);
const BEFORE = "Portcullis before (BENCH_BEFORE)";

const children: ChildProcess[] = [];
let peerScratch: ScratchDatabase | undefined;

/** One Portcullis server under test: its checkout, port, data directory or scratch PostgreSQL database. */
interface Instance {
  name: string;
  dir: string;
  port: number;
  issuer: string;
  dataDir: string;
  scratch?: ScratchDatabase;
  secret: string;
}

function instanceEnv(instance: Instance): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(instance.port),
    PORTCULLIS_BASE_URL: instance.issuer,
    PORTCULLIS_DATA_DIR: instance.dataDir,
    PORTCULLIS_LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...(instance.scratch ? { DATABASE_URL: instance.scratch.url, PORTCULLIS_SECRET: instance.secret } : {}),
  };
}

function cli(instance: Instance, args: string[]): string {
  const result = spawnSync("node_modules/.bin/tsx", ["lib/cli/main.ts", ...args], { cwd: instance.dir, env: instanceEnv(instance), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`portcullis ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): ChildProcess {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "inherit"], detached: false });
  child.stdout!.on("data", () => {});
  children.push(child);
  return child;
}

async function waitFor(url: string, seconds = 180): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`${url} did not come up`);
}

interface Target {
  name: string;
  /** The server process, whose CPU time (all its threads) is read around each round. */
  pid: number;
  port: number;
  path: string;
  body: string;
  authorization: string;
  /** Its PostgreSQL database on this machine, if it has one: the CPU time of that database's server processes is read too. */
  database?: ScratchDatabase;
}

/** Closed-loop load: `concurrency` requests in flight on keep-alive connections, for `seconds`. */
interface Measured {
  ok: number;
  failed: number;
  perSecond: number;
  /** Milliseconds per successful request. */
  latencies: number[];
  /** The server's CPU time per successful request, µs: its cost apart from whatever else the machine runs. */
  cpuPerRequest: number;
  /** Portcullis on PostgreSQL: the PostgreSQL server's CPU time per successful request, µs (all its processes). */
  databaseCpuPerRequest?: number;
}

/** User + system CPU time of a process, all threads, in µs (Linux /proc; clock ticks of 10 ms). */
function processCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * CPU time of the PostgreSQL server processes serving one database (its connections' backends, from
 * pg_stat_activity), µs. Backends that live through a round (the servers' pooled connections) are counted exactly,
 * and one opened during a round with all its time; other work on the same PostgreSQL server is not counted.
 */
async function postgresCpuMicros(database: ScratchDatabase): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const name = new URL(database.url).pathname.slice(1);
  const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  await client.end();
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, processCpuMicros(pid));
    } catch {
      // the backend ended meanwhile
    }
  }
  return cpu;
}

/** CPU spent between two readings: by the backends present at both, and all of it by those that started in between. */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, micros] of after) total += micros - (before.get(pid) ?? 0);
  return total;
}

async function measure(target: Target, seconds: number, concurrency: number): Promise<Measured> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.from(target.body);
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const req = request(
        {
          agent,
          host: "127.0.0.1",
          port: target.port,
          path: target.path,
          method: "POST",
          headers: {
            Host: `localhost:${target.port}`,
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": body.length,
            Authorization: target.authorization,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            if (res.statusCode === 200) {
              ok += 1;
              latencies.push(performance.now() - sentAt);
            } else {
              failed += 1;
              firstFailure ??= `${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`;
            }
            resolve();
          });
        },
      );
      req.on("error", (error) => {
        failed += 1;
        firstFailure ??= error.message;
        resolve();
      });
      req.end(body);
    });
  const started = Date.now();
  const cpuBefore = processCpuMicros(target.pid);
  const databaseCpuBefore = target.database ? await postgresCpuMicros(target.database) : undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu = processCpuMicros(target.pid) - cpuBefore;
  const databaseCpu = target.database && databaseCpuBefore ? cpuBetween(databaseCpuBefore, await postgresCpuMicros(target.database)) : undefined;
  agent.destroy();
  if (firstFailure) process.stdout.write(`  ${target.name}: ${failed} failed, first: ${firstFailure}\n`);
  return {
    ok,
    failed,
    perSecond: ok / elapsed,
    latencies,
    cpuPerRequest: cpu / Math.max(ok, 1),
    databaseCpuPerRequest: databaseCpu === undefined ? undefined : databaseCpu / Math.max(ok, 1),
  };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

function cpuLine(side: { cpuPerRequest: number; databaseCpuPerRequest?: number }): string {
  const database = side.databaseCpuPerRequest === undefined ? "" : ` + PostgreSQL ${side.databaseCpuPerRequest.toFixed(0)}`;
  return `${side.cpuPerRequest.toFixed(0)} µs${database}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;
}

/** Every 200 Portcullis answered must be a durable token row with its `token.issued` event, on a chain that verifies. */
async function checkDurability(instance: Instance, answered: number): Promise<boolean> {
  const verified = JSON.parse(cli(instance, ["audit", "verify", "--full", "--json"])) as { ok: boolean; checked: number; firstBreak: { message: string } | null };
  const url = instance.scratch?.url ?? `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(join(instance.dataDir, "run"))}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const counts = await client.query<{ tokens: string; events: string }>(
    `SELECT (SELECT count(*) FROM "AccessToken") AS tokens, (SELECT count(*) FROM "AuditEvent" WHERE "kind" = 'token.issued') AS events`,
  );
  await client.end();
  const tokens = Number(counts.rows[0].tokens);
  const events = Number(counts.rows[0].events);
  const matched = tokens === answered && events === answered;
  process.stdout.write(
    [
      `  ${instance.name}: audit chain: ${verified.ok ? `intact, ${verified.checked} events verified` : `BROKEN: ${verified.firstBreak?.message}`}`,
      `  tokens answered 200: ${answered}; AccessToken rows: ${tokens}; token.issued events: ${events} (${matched ? "match" : "MISMATCH"})`,
      "",
    ].join("\n"),
  );
  return verified.ok && matched;
}

const instances: Instance[] = [];

/** Starts a Portcullis server from `dir` and registers an approved client_credentials client bound to a service identity. */
async function startPortcullis(name: string, dir: string, port: number): Promise<{ target: Target; instance: Instance }> {
  const instance: Instance = {
    name,
    dir,
    port,
    issuer: `http://localhost:${port}`,
    dataDir: mkdtempSync(join(tmpdir(), "portcullis-bench-")),
    scratch: process.env.BENCH_DATABASE_URL ? await scratchPostgres(process.env.BENCH_DATABASE_URL) : undefined,
    secret: randomBytes(32).toString("base64url"),
  };
  instances.push(instance);
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") are Node options for the Portcullis server.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const server = start(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], instanceEnv(instance), dir);
  await waitFor(`${instance.issuer}/login`);
  cli(instance, ["users", "create", "--email", "bench-agent@service.example", "--service", "--role", "access_reviewer"]);
  const registered = await fetch(`${instance.issuer}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: "bench agent", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic", scope: SCOPE }),
  });
  const client = (await registered.json()) as { client_id: string; client_secret: string };
  cli(instance, ["clients", "approve", client.client_id, "--reason", "benchmark", "--service-user", "bench-agent@service.example"]);
  // The resource is the one these tokens are for: this instance's own /mcp.
  const form = new URLSearchParams({ grant_type: "client_credentials", scope: SCOPE, resource: `${instance.issuer}/mcp` }).toString();
  return {
    instance,
    target: { name, pid: server.pid!, port, path: "/oauth/token", body: form, authorization: basic(client.client_id, client.client_secret), database: instance.scratch },
  };
}

async function main() {
  const backend = process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "embedded database";
  process.stdout.write(`Starting Portcullis (${backend})${BEFORE_DIR ? `, the one in ${BEFORE_DIR}` : ""} and node-oidc-provider…\n`);
  const ours = await startPortcullis("Portcullis", process.cwd(), PORTCULLIS_PORT);
  const before = BEFORE_DIR ? await startPortcullis(BEFORE, BEFORE_DIR, BEFORE_PORT) : undefined;

  const oidcSecret = randomBytes(32).toString("base64url");
  const baseline = start(process.execPath, ["--import", "tsx", "bench/oidc-provider-server.ts"], {
    ...process.env,
    BENCH_OIDC_PORT: String(OIDC_PORT),
    BENCH_RESOURCE: RESOURCE,
    BENCH_CLIENT_SECRET: oidcSecret,
    NODE_ENV: "production",
  });
  await waitFor(`http://localhost:${OIDC_PORT}/.well-known/openid-configuration`);

  let durablePeer: ChildProcess | undefined;
  try {
    peerScratch = await createScratchDatabase(PEER_POSTGRES_URL, "portcullis_bench_peer");
  } catch (error) {
    process.stdout.write(`  no PostgreSQL at ${PEER_POSTGRES_URL} (${(error as Error).message}): the durable node-oidc-provider is skipped\n`);
  }
  if (peerScratch) {
    durablePeer = start(process.execPath, ["--import", "tsx", "bench/oidc-provider-server.ts"], {
      ...process.env,
      BENCH_OIDC_PORT: String(DURABLE_PORT),
      BENCH_OIDC_MODE: "durable",
      BENCH_OIDC_DATABASE_URL: peerScratch.url,
      BENCH_RESOURCE: RESOURCE,
      BENCH_CLIENT_SECRET: oidcSecret,
      NODE_ENV: "production",
    });
    await waitFor(`http://localhost:${DURABLE_PORT}/.well-known/openid-configuration`);
  }

  const form = new URLSearchParams({ grant_type: "client_credentials", scope: SCOPE, resource: RESOURCE }).toString();
  const targets: Target[] = [
    ours.target,
    ...(before ? [before.target] : []),
    { name: STATELESS, pid: baseline.pid!, port: OIDC_PORT, path: "/token", body: form, authorization: basic("bench-agent", oidcSecret) },
    ...(durablePeer
      ? [{ name: DURABLE, pid: durablePeer.pid!, port: DURABLE_PORT, path: "/token", body: form, authorization: basic("bench-agent", oidcSecret), database: peerScratch }]
      : []),
  ];
  const answered = new Map<string, number>();
  const count = (name: string, ok: number) => answered.set(name, (answered.get(name) ?? 0) + ok);
  for (const target of targets) count(target.name, (await measure(target, 3, CONCURRENCY_LEVELS[0])).ok); // warm-up: JIT, key ring, pools

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary: string[] = [
    "",
    `client_credentials token issuance, median req/s of ${ROUNDS} rounds × ${SECONDS}s per level (latency percentiles over all rounds), ${ours.instance.scratch ? "PostgreSQL" : "embedded PGlite"}:`,
  ];
  const report: Record<string, unknown>[] = [];
  for (const concurrency of CONCURRENCY_LEVELS) {
    const results = new Map<string, { perSecond: number[]; latencies: number[]; cpu: number[]; databaseCpu: number[] }>(
      targets.map((t) => [t.name, { perSecond: [], latencies: [], cpu: [], databaseCpu: [] }]),
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of round % 2 ? targets : [...targets].reverse()) {
        const measured = await measure(target, SECONDS, concurrency);
        count(target.name, measured.ok);
        const result = results.get(target.name)!;
        result.perSecond.push(measured.perSecond);
        result.latencies.push(...measured.latencies);
        result.cpu.push(measured.cpuPerRequest);
        if (measured.databaseCpuPerRequest !== undefined) result.databaseCpu.push(measured.databaseCpuPerRequest);
        const databaseCpu = measured.databaseCpuPerRequest === undefined ? "" : ` + PostgreSQL ${measured.databaseCpuPerRequest.toFixed(0)} µs/req`;
        process.stdout.write(
          `  ${String(concurrency).padStart(3)} in flight, round ${round}  ${target.name.padEnd(41)} ${measured.perSecond.toFixed(0).padStart(6)} req/s  ` +
            `server CPU ${measured.cpuPerRequest.toFixed(0).padStart(5)} µs/req${databaseCpu}${measured.failed ? `  (${measured.failed} failed)` : ""}\n`,
        );
      }
    }
    const side = (name: string) => {
      const { perSecond, latencies, cpu, databaseCpu } = results.get(name)!;
      const sorted = latencies.sort((a, b) => a - b);
      return {
        perSecond: median(perSecond),
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        cpuPerRequest: median(cpu),
        databaseCpuPerRequest: databaseCpu.length ? median(databaseCpu) : undefined,
      };
    };
    const ours = side("Portcullis");
    // Rounds run in alternating order, so round r of each target ran next to round r of the others: the ratio within a
    // round is the one the machine's changing outside load moves least.
    const roundRatios = (name: string, against: string) => {
      const a = results.get(name)!.perSecond;
      const b = results.get(against)!.perSecond;
      const ratios = a.map((value, i) => value / b[i]).sort((x, y) => x - y);
      return { median: percentile(ratios, 50), low: ratios[0], high: ratios[ratios.length - 1] };
    };
    const roundLine = (name: string, against: string) => {
      const r = roundRatios(name, against);
      return `per round: median ${r.median.toFixed(2)}, ${r.low.toFixed(2)}–${r.high.toFixed(2)}`;
    };
    const show = (s: typeof ours) => `${s.perSecond.toFixed(0).padStart(6)} req/s p50 ${s.p50.toFixed(1).padStart(5)} ms p99 ${s.p99.toFixed(1).padStart(5)} ms`;
    const withDatabase = (s: typeof ours) => s.cpuPerRequest + (s.databaseCpuPerRequest ?? 0);
    summary.push(`  ${String(concurrency).padStart(3)} in flight:  ${"Portcullis".padEnd(41)} ${show(ours)}   CPU per token ${cpuLine(ours)}`);
    const peers: Record<string, unknown> = {};
    for (const target of targets.slice(1)) {
      const theirs = side(target.name);
      peers[target.name] = { ...theirs, ratio: ours.perSecond / theirs.perSecond, roundRatio: roundRatios("Portcullis", target.name) };
      summary.push(
        `                 ${target.name.padEnd(41)} ${show(theirs)}   CPU per token ${cpuLine(theirs)}   ` +
          `ratio ${(ours.perSecond / theirs.perSecond).toFixed(2)} (${roundLine("Portcullis", target.name)}; CPU ${(withDatabase(theirs) / withDatabase(ours)).toFixed(2)})`,
      );
    }
    if (before) {
      // The earlier Portcullis against the peers, as it measured in these same rounds.
      const earlier = side(BEFORE);
      for (const target of targets.filter((t) => t.name === STATELESS || t.name === DURABLE)) {
        const theirs = side(target.name);
        summary.push(
          `                 ${`${BEFORE} vs ${target.name === STATELESS ? "stateless" : "durable"}`.padEnd(41)} ratio ${(earlier.perSecond / theirs.perSecond).toFixed(2)} ` +
            `(${roundLine(BEFORE, target.name)}; CPU ${(withDatabase(theirs) / withDatabase(earlier)).toFixed(2)})`,
        );
      }
    }
    report.push({ concurrency, portcullis: ours, peers });
  }
  summary.push(
    "  (Portcullis: a durable AccessToken row and hash-chained audit event per token, committed before the response;",
    `   ${STATELESS}: JWT access tokens, nothing stored; ${DURABLE}: opaque access tokens, each a row`,
    "   committed to PostgreSQL before the response. CPU per token is the server's, plus PostgreSQL's where it has one;",
    "   the CPU ratio is the peer's over Portcullis's, > 1 where Portcullis spends less.)",
    "",
  );
  process.stdout.write(summary.join("\n"));
  let durable = await checkPeerDurability(answered.get(DURABLE));
  for (const instance of instances) durable = (await checkDurability(instance, answered.get(instance.name) ?? 0)) && durable;
  const backendName = ours.instance.scratch ? "postgres" : "pglite";
  mkdirSync("bench/results", { recursive: true });
  const file = join("bench/results", `token-${backendName}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ seconds: SECONDS, rounds: ROUNDS, backend: backendName, before: BEFORE_DIR ?? null, levels: report, durable }, null, 2));
  process.stdout.write(`  full result: ${file}\n`);
  if (!durable) process.exitCode = 1;
}

/** Every 200 the durable peer answered must be a stored access token (node-oidc-provider's `ClientCredentials` model). */
async function checkPeerDurability(answered: number | undefined): Promise<boolean> {
  if (answered === undefined || !peerScratch) return true;
  const client = new pg.Client({ connectionString: peerScratch.url });
  await client.connect();
  const stored = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM oidc_payloads WHERE model = 'ClientCredentials'`)).rows[0].n);
  await client.end();
  const matched = stored === answered;
  process.stdout.write(`  ${DURABLE}: tokens answered 200: ${answered}; stored: ${stored} (${matched ? "match" : "MISMATCH"})\n`);
  return matched;
}

async function cleanup() {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once("exit", r)) : undefined)));
  for (const instance of instances) {
    rmSync(instance.dataDir, { recursive: true, force: true });
    await instance.scratch?.drop();
  }
  await peerScratch?.drop();
}

main()
  .catch((error) => {
    process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    setTimeout(() => process.exit(), 15_000).unref();
    void cleanup()
      .catch((error) => process.stderr.write(`cleanup failed: ${(error as Error).message}\n`))
      .finally(() => process.exit());
  });
