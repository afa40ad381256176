/**
 * `npm run bench:gateway` — tool calls through Portcullis's governed endpoint `<base>/mcp/<name>` against the same
 * upstream called directly, both with the official v2 SDK client (@modelcontextprotocol/client, Streamable HTTP, one
 * client session per worker), in one run, alternating 1 s slices, at a loaded and a light concurrency. Through the
 * gateway every call is authenticated, decided under the current policy, recorded before it is forwarded and its
 * outcome recorded after; afterwards the audit is matched call for call. CPU per call is measured on both sides: the
 * Portcullis process and the upstream process.
 *
 * Goals (issue 15): throughput ≥ 0.85 × direct at load; added p99 < 5 ms at light load.
 * Options (environment): BENCH_CONCURRENCY (default "32,4"), BENCH_SECONDS (slices per target and level, default 10),
 * BENCH_PORT (default 4430; the upstream listens on BENCH_UPSTREAM_PORT, default 4546), BENCH_DATABASE_URL (a PostgreSQL server: a scratch database is created there and dropped afterwards),
 * BENCH_SERVER_NODE_ARGS (Node options for the Portcullis process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { scratchPostgres, type ScratchDatabase } from "./scratch-postgres";

const LEVELS = (process.env.BENCH_CONCURRENCY ?? "32,4").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 4430);
const UPSTREAM_PORT = Number(process.env.BENCH_UPSTREAM_PORT ?? 4546);
const BASE = `http://localhost:${PORT}`;
const UPSTREAM = `http://127.0.0.1:${UPSTREAM_PORT}/mcp`;
const say = (line = "") => process.stdout.write(`${line}\n`);

/** Lines a child prints, awaited by prefix: one reader per child for its whole life. */
function lineReader(child: ChildProcess) {
  const waiting: Array<{ prefix: string; resolve(rest: string): void; reject(error: Error): void }> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const index = waiting.findIndex((w) => line.startsWith(w.prefix));
    if (index < 0) return;
    const [found] = waiting.splice(index, 1);
    found.resolve(line.slice(found.prefix.length));
  });
  child.once("exit", (code) => waiting.splice(0).forEach((w) => w.reject(new Error(`child exited (${code})`))));
  return (prefix: string) => new Promise<string>((resolve, reject) => waiting.push({ prefix, resolve: (line) => resolve(line), reject }));
}

let upstreamLine: (prefix: string) => Promise<string>;

async function upstreamCpu(upstream: ChildProcess): Promise<number> {
  const answer = upstreamLine("CPU ");
  upstream.stdin!.write("cpu\n");
  return Number(await answer);
}

async function gatewayCpu(): Promise<number> {
  return ((await (await fetch(`${BASE}/control/cpu`, { method: "POST" })).json()) as { micros: number }).micros;
}

async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {}));
  return client;
}

interface Slice {
  latencies: number[];
  failed: number;
  seconds: number;
  gatewayCpu: number;
  upstreamCpu: number;
}

async function slice(clients: Client[], upstream: ChildProcess): Promise<Slice> {
  const [g0, u0] = [await gatewayCpu(), await upstreamCpu(upstream)];
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const deadline = started + 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          const result = await client.callTool({ name: "greet", arguments: { name: "bench" } });
          if (result.isError) failed++;
          else latencies.push(performance.now() - t);
        } catch {
          failed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { latencies, failed, seconds, gatewayCpu: (await gatewayCpu()) - g0, upstreamCpu: (await upstreamCpu(upstream)) - u0 };
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

function summarise(slices: Slice[]) {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = slices.reduce((n, s) => n + s.seconds, 0);
  const calls = latencies.length;
  return {
    calls,
    failed: slices.reduce((n, s) => n + s.failed, 0),
    throughput: calls / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    gatewayCpuPerCall: slices.reduce((n, s) => n + s.gatewayCpu, 0) / Math.max(calls, 1),
    upstreamCpuPerCall: slices.reduce((n, s) => n + s.upstreamCpu, 0) / Math.max(calls, 1),
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "portcullis-bench-gateway-"));
  const upstream = spawn(process.execPath, ["--import", "tsx", "bench/gateway-upstream.ts"], { env: { ...process.env, BENCH_UPSTREAM_PORT: String(UPSTREAM_PORT) }, stdio: ["pipe", "pipe", "inherit"] });
  let portcullis: ChildProcess | undefined;
  let postgres: ScratchDatabase | undefined;
  try {
    // On PostgreSQL, a scratch database of its own (created here, dropped afterwards), like the other benchmarks.
    if (process.env.BENCH_DATABASE_URL) postgres = await scratchPostgres(process.env.BENCH_DATABASE_URL);
    upstreamLine = lineReader(upstream);
    await upstreamLine("READY");
    // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") are Node options for the Portcullis process.
    const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    portcullis = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "bench/gateway-bench-server.ts"], {
      env: {
        ...process.env,
        PORT: String(PORT),
        PORTCULLIS_BASE_URL: BASE,
        PORTCULLIS_DATA_DIR: dataDir,
        PORTCULLIS_SECRET: randomBytes(32).toString("base64url"),
        PORTCULLIS_LOG_LEVEL: "error",
        PORTCULLIS_GATEWAY_REFRESH_SECONDS: "0",
        NODE_ENV: "production",
        BENCH_UPSTREAM_URL: UPSTREAM,
        ...(postgres ? { DATABASE_URL: postgres.url } : {}),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const ready = JSON.parse(await lineReader(portcullis)("READY ")) as { tokens: string[]; database: string };
    say(`Portcullis gateway benchmark — tool greet, ${SECONDS}×1 s slices per target and level, alternating, ${ready.database}`);
    const maxLevel = Math.max(...LEVELS);
    const gatewayClients = await Promise.all(Array.from({ length: maxLevel }, (_, i) => connect(`${BASE}/mcp/bench`, ready.tokens[i % ready.tokens.length])));
    const directClients = await Promise.all(Array.from({ length: maxLevel }, () => connect(UPSTREAM)));
    say("warming up…");
    let gatewayAnswered = 0;
    for (let i = 0; i < 2; i++) {
      await slice(directClients, upstream);
      gatewayAnswered += (await slice(gatewayClients, upstream)).latencies.length;
    }
    const results: Record<string, unknown>[] = [];
    const row = (label: string, s: ReturnType<typeof summarise>) =>
      `${label.padEnd(22)} ${s.throughput.toFixed(0).padStart(6)} calls/s   p50 ${s.p50.toFixed(2).padStart(6)} ms   p99 ${s.p99.toFixed(2).padStart(6)} ms   ` +
      `CPU/call Portcullis ${s.gatewayCpuPerCall.toFixed(0).padStart(4)} µs, upstream ${s.upstreamCpuPerCall.toFixed(0).padStart(4)} µs   (${s.calls} calls, ${s.failed} failed)`;
    for (const level of LEVELS) {
      const direct: Slice[] = [];
      const gated: Slice[] = [];
      for (let i = 0; i < SECONDS; i++) {
        if (i % 2 === 0) {
          direct.push(await slice(directClients.slice(0, level), upstream));
          gated.push(await slice(gatewayClients.slice(0, level), upstream));
        } else {
          gated.push(await slice(gatewayClients.slice(0, level), upstream));
          direct.push(await slice(directClients.slice(0, level), upstream));
        }
      }
      const d = summarise(direct);
      const g = summarise(gated);
      gatewayAnswered += g.calls;
      const ratio = g.throughput / d.throughput;
      say();
      say(`${level} calls in flight:`);
      say(row("direct to upstream", d));
      say(row("through /mcp/bench", g));
      say(`throughput ratio gateway/direct: ${ratio.toFixed(3)}${level === maxLevel ? `   (goal ≥ 0.85 at load: ${ratio >= 0.85 ? "met" : "NOT met"})` : ""}`);
      say(`added latency: p50 +${(g.p50 - d.p50).toFixed(2)} ms, p99 +${(g.p99 - d.p99).toFixed(2)} ms${level === Math.min(...LEVELS) ? `   (goal p99 < 5 ms at light load: ${g.p99 - d.p99 < 5 ? "met" : "NOT met"})` : ""}`);
      results.push({ level, direct: d, gateway: g, ratio, addedP50: g.p50 - d.p50, addedP99: g.p99 - d.p99 });
    }
    await Promise.all([...gatewayClients, ...directClients].map((c) => c.close().catch(() => {})));
    const stats = (await (await fetch(`${BASE}/control/stats`, { method: "POST" })).json()) as { decisionAllow: number; gatewayCallOk: number };
    const matched = stats.decisionAllow === gatewayAnswered && stats.gatewayCallOk === gatewayAnswered;
    say();
    say(`audit: ${stats.decisionAllow} allow decisions and ${stats.gatewayCallOk} ok gateway.call outcomes for ${gatewayAnswered} answered gateway calls (${matched ? "match, call for call" : "MISMATCH"})`);
    mkdirSync("bench/results", { recursive: true });
    const file = join("bench/results", `gateway-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify({ seconds: SECONDS, database: ready.database, results, stats, gatewayAnswered, matched }, null, 2));
    say(`full result: ${file}`);
    process.exitCode = matched ? 0 : 1;
  } finally {
    portcullis?.kill("SIGTERM");
    upstream.kill("SIGTERM");
    if (portcullis && portcullis.exitCode === null) await new Promise((r) => portcullis!.once("exit", r));
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
