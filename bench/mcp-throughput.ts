/**
 * `npm run bench:mcp` — tool-call throughput and latency through the full protected path (token check, revocation
 * view, policy decision, durable audit) against the same tool on the bare SDK transport, both in one run against the
 * same server process; then the revocation check: no call sent after a revocation call has returned is accepted.
 *
 * The two targets are measured in alternating one-second slices (bare, full, full, bare, …), so both see the same
 * machine: on a shared host the load of other processes moves absolute figures, not the comparison. The server's own
 * CPU time per call is reported too — the cost of the protection independent of anything else running.
 *
 * Options (environment):
 *   BENCH_CONCURRENCY   calls in flight, a comma-separated list of levels (default "32,4": saturated, where latency is
 *                       mostly queueing, and light, where it is mostly the work of one call)
 *   BENCH_SECONDS       measured seconds per target (default 15)
 *   BENCH_DATABASE_URL  a postgresql:// URL of a server on which a scratch database is created and dropped (named
 *                       BENCH_DATABASE_PREFIX_<random>); unset: embedded PGlite, as `npm start` runs (BENCH_DATABASE is
 *                       the older name of the same setting)
 *   BENCH_TOOL          the tool called (default whoami, answered from memory: the protection's worst case relative
 *                       to the work; list_roles reads the database like most governance tools)
 *   BENCH_PORT          default 3419
 * After the run the audit chain is verified and the decision events counted against the calls answered.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { runGovernanceScenarios, type GovernanceReady } from "./mcp-governance";
import { scratchPostgres } from "./scratch-postgres";

const CONCURRENCY_LEVELS = (process.env.BENCH_CONCURRENCY ?? "32,4").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PORT = Number(process.env.BENCH_PORT ?? 3419);
const DATABASE = process.env.BENCH_DATABASE_URL ?? process.env.BENCH_DATABASE ?? "embedded";
const BASE = `http://localhost:${PORT}`;

interface Ready {
  port: number;
  tokens: Array<{ token: string; grantId: string }>;
  governance: GovernanceReady;
  database: string;
}

const HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" };
const TOOL = process.env.BENCH_TOOL ?? "whoami";
const CALL = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: TOOL, arguments: {} } });

async function call(path: string, token: string): Promise<{ ok: boolean; status: number; ms: number; sentAt: number }> {
  const sentAt = performance.now();
  const response = await fetch(`${BASE}${path}`, { method: "POST", headers: { ...HEADERS, Authorization: `Bearer ${token}` }, body: CALL });
  const body = (await response.json()) as { result?: { isError?: boolean } };
  const ms = performance.now() - sentAt;
  return { ok: response.status === 200 && body.result !== undefined && !body.result.isError, status: response.status, ms, sentAt };
}

async function serverCpuMicros(): Promise<number> {
  return ((await (await fetch(`${BASE}/control/cpu`, { method: "POST" })).json()) as { micros: number }).micros;
}

interface Round {
  calls: number;
  failed: number;
  latencies: number[];
  seconds: number;
  cpuMicros: number;
}

async function round(path: string, tokens: Ready["tokens"], seconds: number, concurrency: number): Promise<Round> {
  const cpuBefore = await serverCpuMicros();
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const { token } = tokens[worker % tokens.length];
      while (performance.now() < until) {
        const result = await call(path, token);
        if (result.ok) latencies.push(result.ms);
        else failed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { calls: latencies.length, failed, latencies, seconds: elapsed, cpuMicros: (await serverCpuMicros()) - cpuBefore };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarise(rounds: Round[]) {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const calls = rounds.reduce((n, r) => n + r.calls, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  const cpu = rounds.reduce((n, r) => n + r.cpuMicros, 0);
  return {
    calls,
    failed: rounds.reduce((n, r) => n + r.failed, 0),
    throughput: calls / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPerCall: cpu / calls,
  };
}

async function revocationCheck(tokens: Ready["tokens"]): Promise<{ revocations: number; acceptedAfter: number; refusedAfter: number; acceptedBefore: number }> {
  // Half the workers use the grant about to be revoked, the rest other grants, all at full speed.
  let acceptedAfter = 0;
  let refusedAfter = 0;
  let acceptedBefore = 0;
  const victims = tokens.slice(1, 4);
  for (const victim of victims) {
    let revokedAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const workers = Array.from({ length: CONCURRENCY_LEVELS[0] }, async (_, worker) => {
      const token = worker % 2 === 0 ? victim.token : tokens[0].token;
      while (!stop) {
        const result = await call("/mcp", token);
        if (token !== victim.token) continue;
        if (result.sentAt >= revokedAt) result.ok ? (acceptedAfter += 1) : (refusedAfter += 1);
        else if (result.ok) acceptedBefore += 1;
      }
    });
    await new Promise((r) => setTimeout(r, 1000));
    const response = await fetch(`${BASE}/control/revoke`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ grantId: victim.grantId }) });
    if (!response.ok) throw new Error(`revocation failed: ${response.status}`);
    revokedAt = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(workers);
  }
  return { revocations: victims.length, acceptedAfter, refusedAfter, acceptedBefore };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
  const postgres = DATABASE === "embedded" ? undefined : await scratchPostgres(DATABASE);
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") are Node options for the server.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "bench/mcp-bench-server.ts"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      PORTCULLIS_BASE_URL: BASE,
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_SECRET: randomBytes(32).toString("base64url"),
      PORTCULLIS_LOG_LEVEL: "error",
      NODE_ENV: "production",
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line.startsWith("READY ")) resolve(JSON.parse(line.slice(6)) as Ready);
      });
    });
    const say = (line = "") => process.stdout.write(`${line}\n`);
    say(`Portcullis /mcp benchmark — tool ${TOOL}, ${SECONDS}×1 s slices per target and level, alternating, ${ready.database}`);
    say("warming up…");
    await round("/bare", ready.tokens, 2, CONCURRENCY_LEVELS[0]);
    let allowedAnswered = (await round("/mcp", ready.tokens, 2, CONCURRENCY_LEVELS[0])).calls;
    const row = (label: string, s: ReturnType<typeof summarise>) =>
      `${label.padEnd(34)} ${s.throughput.toFixed(0).padStart(7)} calls/s   p50 ${s.p50.toFixed(2).padStart(6)} ms   p99 ${s.p99.toFixed(2).padStart(6)} ms   ` +
      `server CPU ${s.cpuPerCall.toFixed(0).padStart(4)} µs/call   (${s.calls} calls, ${s.failed} failed)`;
    const strip = ({ calls, failed, throughput, p50, p99, cpuPerCall }: ReturnType<typeof summarise>) => ({ calls, failed, throughput, p50, p99, cpuPerCall });
    const levels: Record<string, unknown>[] = [];
    for (const concurrency of CONCURRENCY_LEVELS) {
      const bare: Round[] = [];
      const full: Round[] = [];
      for (let i = 0; i < SECONDS; i++) {
        // bare, full, full, bare, …: neither target always runs first after a pause.
        if (i % 2 === 0) {
          bare.push(await round("/bare", ready.tokens, 1, concurrency));
          full.push(await round("/mcp", ready.tokens, 1, concurrency));
        } else {
          full.push(await round("/mcp", ready.tokens, 1, concurrency));
          bare.push(await round("/bare", ready.tokens, 1, concurrency));
        }
      }
      const b = summarise(bare);
      const f = summarise(full);
      allowedAnswered += f.calls;
      say();
      say(`${concurrency} calls in flight:`);
      say(row("bare SDK transport (no auth/audit)", b));
      say(row("full path (token, policy, audit)", f));
      const ratio = f.throughput / b.throughput;
      // Closed-loop load: at a light level the rate is in-flight calls over latency, so the ratio there is the latency's.
      const saturated = concurrency === Math.max(...CONCURRENCY_LEVELS);
      say(
        `throughput ratio full/bare: ${ratio.toFixed(3)}   ` +
          (saturated ? `(goal ≥ 0.85: ${ratio >= 0.85 ? "met" : "NOT met"})` : "(not the throughput goal: too few calls in flight to load the server)"),
      );
      const slices = full.map((r, i) => r.calls / r.seconds / (bare[i].calls / bare[i].seconds)).sort((a, b) => a - b);
      say(`  per slice pair: median ${percentile(slices, 50).toFixed(3)}, quartiles ${percentile(slices, 25).toFixed(3)}–${percentile(slices, 75).toFixed(3)}`);
      say(`  server CPU per call full/bare: ${(f.cpuPerCall / b.cpuPerCall).toFixed(3)} (+${(f.cpuPerCall - b.cpuPerCall).toFixed(0)} µs): a throughput ratio of ${(b.cpuPerCall / f.cpuPerCall).toFixed(3)} where the server is CPU-bound`);
      say(`added latency: p50 +${(f.p50 - b.p50).toFixed(2)} ms, p99 +${(f.p99 - b.p99).toFixed(2)} ms   (goal p99 < 5 ms: ${f.p99 - b.p99 < 5 ? "met" : "NOT met"})`);
      levels.push({ concurrency, bare: strip(b), full: strip(f), ratio, addedP50: f.p50 - b.p50, addedP99: f.p99 - b.p99 });
    }
    // Call-time governance (bench/mcp-governance.ts): a CEL condition's cost, and the AuthZEN endpoint against /mcp.
    const governance = process.env.BENCH_GOVERNANCE === "0" ? null : await runGovernanceScenarios({ base: BASE, tool: TOOL, tokens: ready.tokens, governance: ready.governance, seconds: SECONDS, concurrency: CONCURRENCY_LEVELS[0], say });
    if (governance) allowedAnswered += (governance.answeredAllowed as number) ?? 0;
    const stats = (await (await fetch(`${BASE}/control/stats`, { method: "POST" })).json()) as Record<string, number>;
    const allowMatches = stats["decision.allow"] === allowedAnswered;
    say();
    say(`decision events recorded so far: ${JSON.stringify(stats)}; /mcp calls answered with a result: ${allowedAnswered} (${allowMatches ? "match" : "MISMATCH"})`);
    say();
    say(`revocation check: half of ${CONCURRENCY_LEVELS[0]} workers on a grant that is revoked mid-run, 3 times…`);
    const revocation = await revocationCheck(ready.tokens);
    say(
      `  ${revocation.revocations} revocations; victim calls accepted before: ${revocation.acceptedBefore}, sent after the revocation returned: ` +
        `${revocation.acceptedAfter} accepted, ${revocation.refusedAfter} refused   (goal 0 accepted: ${revocation.acceptedAfter === 0 ? "met" : "NOT met"})`,
    );
    const chain = (await (await fetch(`${BASE}/control/verify`, { method: "POST" })).json()) as { ok: boolean; checked: number; firstBreak: { message: string } | null };
    say(`audit chain: ${chain.ok ? `intact, ${chain.checked} events verified` : `BROKEN: ${chain.firstBreak?.message}`}`);
    mkdirSync("bench/results", { recursive: true });
    const file = join("bench/results", `mcp-${postgres ? "postgres" : "pglite"}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify({ tool: TOOL, seconds: SECONDS, database: ready.database, levels, governance, revocation, chain, allowMatches }, null, 2));
    say(`full result: ${file}`);
    process.exitCode = revocation.acceptedAfter === 0 && chain.ok && allowMatches ? 0 : 1;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
