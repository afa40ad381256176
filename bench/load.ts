/**
 * `npm run bench:load` — many concurrent MCP clients against two instances on one fresh PostgreSQL database
 * (bench/cluster.ts), then the books are checked:
 *   - no 5xx answered;
 *   - every decision a client saw (a tool call allowed, or denied with 403 insufficient_scope) has exactly one
 *     `decision.*` audit event, and there is none more;
 *   - the audit chain verifies (verifyAuditChain) from the first event to the last.
 *
 * Clients are the real MCP SDK client (v2, `@modelcontextprotocol/client`: `Client` + `StreamableHTTPClientTransport`,
 * bearer token in the request headers) on MCP 2026-07-28: each connects (`server/discover`), then calls tools in a loop — mostly ones its token allows (whoami, list_clients,
 * list_roles), one call in five a tool whose scope the token lacks (query_audit needs audit:read): a denial. Clients
 * alternate between the instances; each has its own client_credentials token from the instance it talks to.
 * BENCH_RAW=1 sends raw JSON-RPC POSTs with fetch instead of the SDK client (less client CPU on a small machine).
 *
 * Before the two-instance run, a baseline in the same run: the same clients on instance A alone (BENCH_BASELINE_SECONDS,
 * default 15; 0 skips it). Its decisions are checked too.
 *
 * Options (environment): BENCH_SECONDS (default 60), BENCH_CLIENTS (default 48), BENCH_RAW, BENCH_PORT (default 3820),
 * BENCH_BASELINE_SECONDS, PORTCULLIS_BENCH_POSTGRES_URL.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Client, InsufficientScopeError, SdkHttpError, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { runMain, startCluster, type Instance } from "./cluster";
import { callTool, percentile, requireToken, seedFixtures } from "./cluster-fixtures";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 48);
const RAW = process.env.BENCH_RAW === "1";
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3820);
const say = (line = "") => process.stdout.write(`${line}\n`);

const ALLOWED_TOOLS = ["whoami", "list_clients", "list_roles"];
const DENIED_TOOL = "query_audit";

interface Tally {
  allowed: number;
  denied: number;
  /** Answers that are not a decision (e.g. 429, 503): none expected. */
  other: Map<string, number>;
  serverErrors: number;
  transportErrors: number;
  latencies: number[];
  perInstance: Map<string, number>;
  firstProblem?: string;
}

function note(tally: Tally, key: string, detail: string): void {
  tally.other.set(key, (tally.other.get(key) ?? 0) + 1);
  tally.firstProblem ??= detail;
}

/** One SDK client: connect, then call tools until the deadline. */
async function sdkClient(instance: Instance, token: string, deadline: number, worker: number, tally: Tally): Promise<void> {
  const client = new Client({ name: `load-${worker}`, version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  const transport = new StreamableHTTPClientTransport(new URL(`${instance.url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  let i = worker;
  try {
    while (Date.now() < deadline) {
      i += 1;
      const denied = i % 5 === 0;
      const name = denied ? DENIED_TOOL : ALLOWED_TOOLS[i % ALLOWED_TOOLS.length];
      const started = performance.now();
      try {
        await client.callTool({ name, arguments: {} });
        tally.latencies.push(performance.now() - started);
        tally.allowed += 1;
        tally.perInstance.set(instance.name, (tally.perInstance.get(instance.name) ?? 0) + 1);
        if (denied) note(tally, "denied tool allowed", `${name} was allowed`);
      } catch (error) {
        tally.latencies.push(performance.now() - started);
        // A denial: a 403 insufficient_scope challenge (the v2 client, with no auth provider, surfaces it as
        // InsufficientScopeError), or a plain 403 naming the scope the caller's roles lack.
        if (error instanceof InsufficientScopeError || (error instanceof SdkHttpError && error.status === 403 && /scope/i.test(error.message))) {
          tally.denied += 1;
          tally.perInstance.set(instance.name, (tally.perInstance.get(instance.name) ?? 0) + 1);
          if (!denied) note(tally, "allowed tool denied", `${name} was denied: ${error.message.slice(0, 200)}`);
        } else if (error instanceof SdkHttpError && error.status >= 500) {
          tally.serverErrors += 1;
          note(tally, String(error.status), `${error.status}: ${error.message.slice(0, 200)}`);
        } else if (error instanceof SdkHttpError && error.status > 0) {
          note(tally, String(error.status), `${error.status}: ${error.message.slice(0, 200)}`);
        } else {
          tally.transportErrors += 1;
          note(tally, "transport", (error as Error).message.slice(0, 200));
        }
      }
    }
  } finally {
    await client.close().catch(() => {});
  }
}

/** The same with raw JSON-RPC POSTs. */
async function rawClient(instance: Instance, token: string, deadline: number, worker: number, tally: Tally): Promise<void> {
  let i = worker;
  while (Date.now() < deadline) {
    i += 1;
    const denied = i % 5 === 0;
    const name = denied ? DENIED_TOOL : ALLOWED_TOOLS[i % ALLOWED_TOOLS.length];
    try {
      const result = await callTool(instance, token, name, {}, 60_000);
      tally.latencies.push(result.ms);
      if (result.status === 200) {
        tally.allowed += 1;
        if (denied) note(tally, "denied tool allowed", `${name} was allowed`);
      } else if (result.status === 403) tally.denied += 1;
      else {
        if (result.status >= 500) tally.serverErrors += 1;
        note(tally, String(result.status), `${result.status}: ${result.body.slice(0, 200)}`);
        continue;
      }
      tally.perInstance.set(instance.name, (tally.perInstance.get(instance.name) ?? 0) + 1);
    } catch (error) {
      tally.transportErrors += 1;
      note(tally, "transport", (error as Error).message.slice(0, 200));
    }
  }
}

interface Phase {
  label: string;
  seconds: number;
  tally: Tally;
}

/** All clients for `seconds`, spread round-robin over `targets` (each with its own token). */
async function runPhase(label: string, targets: Array<{ instance: Instance; token: string }>, seconds: number): Promise<Phase> {
  const tally: Tally = { allowed: 0, denied: 0, other: new Map(), serverErrors: 0, transportErrors: 0, latencies: [], perInstance: new Map() };
  say(`${label}: ${CLIENTS} ${RAW ? "raw JSON-RPC" : "MCP SDK"} clients over ${targets.map((t) => t.instance.url).join(" and ")} for ${seconds} s (one call in five denied)…`);
  const started = performance.now();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, worker) => {
      const { instance, token } = targets[worker % targets.length];
      return RAW
        ? rawClient(instance, token, deadline, worker, tally)
        : sdkClient(instance, token, deadline, worker, tally).catch((error) => {
            tally.transportErrors += 1;
            note(tally, "connect", `client ${worker} could not connect: ${(error as Error).message}`);
          });
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const calls = tally.allowed + tally.denied;
  say(
    `  ${calls} tool calls in ${elapsed.toFixed(1)} s = ${(calls / elapsed).toFixed(0)} calls/s (${tally.allowed} allowed, ${tally.denied} denied; per instance ${JSON.stringify(Object.fromEntries(tally.perInstance))}); ` +
      `p50 ${percentile(tally.latencies, 50).toFixed(1)} ms, p99 ${percentile(tally.latencies, 99).toFixed(1)} ms`,
  );
  return { label, seconds: elapsed, tally };
}

const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 15);

runMain(async () => {
  const cluster = await startCluster({ instances: 2, basePort: BASE_PORT, databasePrefix: "portcullis_ops_load" });
  const [a, b] = cluster.instances;
  await cluster.useLib();
  const { db } = await import("@/lib/db/client");
  const { verifyAuditChain } = await import("@/lib/audit/verify-audit-chain");
  const fixtures = await seedFixtures(cluster, a, { roles: ["developer", "reader"], scope: "account:read clients:read policy:read" });

  const tokens = await Promise.all(cluster.instances.map((instance) => requireToken(instance, fixtures.service, cluster.resource)));
  // Warm-up (JIT, caches, pools) — its decisions are counted in the baseline below, not in the run.
  for (let i = 0; i < 20; i++) await Promise.all(cluster.instances.map((instance, k) => callTool(instance, tokens[k], ALLOWED_TOOLS[i % 3])));

  const countDecisions = async () => db().auditEvent.count({ where: { kind: { startsWith: "decision." } } });
  const decisionsBefore = await countDecisions();
  // The baseline, in the same run on the same machine: the same clients on instance A alone.
  const phases: Phase[] = [];
  if (BASELINE_SECONDS > 0) phases.push(await runPhase("baseline, one instance", [{ instance: a, token: tokens[0] }], BASELINE_SECONDS));
  const run = await runPhase("two instances", [{ instance: a, token: tokens[0] }, { instance: b, token: tokens[1] }], SECONDS);
  phases.push(run);
  // Every decision is durable before its answer; nothing is left to flush. Counted once the clients are done.
  const decisionsAfter = await countDecisions();
  const chain = await verifyAuditChain(db());

  const sum = (f: (t: Tally) => number) => phases.reduce((n, p) => n + f(p.tally), 0);
  const seen = sum((t) => t.allowed + t.denied);
  const serverErrors = sum((t) => t.serverErrors);
  const transportErrors = sum((t) => t.transportErrors);
  const other = Object.fromEntries(phases.flatMap((p) => [...p.tally.other].map(([k, v]) => [`${p.label}: ${k}`, v])));
  const recorded = decisionsAfter - decisionsBefore;
  const checks = [
    { name: "no 5xx", ok: serverErrors === 0, detail: `${serverErrors} 5xx answers` },
    { name: "an audit event for every decision", ok: recorded === seen, detail: `${seen} decisions seen by clients, ${recorded} decision events recorded` },
    { name: "audit chain verifies", ok: chain.ok, detail: `${chain.checked} events checked${chain.firstBreak ? `, first break: ${chain.firstBreak.message}` : ""}` },
    { name: "no other answers", ok: Object.keys(other).length === 0 && transportErrors === 0, detail: Object.keys(other).length ? JSON.stringify(other) : "none" },
  ];
  say();
  const rate = (p: Phase) => (p.tally.allowed + p.tally.denied) / p.seconds;
  if (phases.length > 1) say(`two instances / one instance: ${(rate(run) / rate(phases[0])).toFixed(2)}× the calls per second (same machine, same run)`);
  for (const check of checks) say(`${check.ok ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}`);
  for (const phase of phases) if (phase.tally.firstProblem) say(`first problem (${phase.label}): ${phase.tally.firstProblem}`);

  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/load-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        clients: CLIENTS,
        kind: RAW ? "raw" : "sdk",
        phases: phases.map((p) => ({
          label: p.label,
          seconds: p.seconds,
          calls: p.tally.allowed + p.tally.denied,
          perSecond: rate(p),
          allowed: p.tally.allowed,
          denied: p.tally.denied,
          p50: percentile(p.tally.latencies, 50),
          p99: percentile(p.tally.latencies, 99),
          perInstance: Object.fromEntries(p.tally.perInstance),
        })),
        recorded,
        chain: { ok: chain.ok, checked: chain.checked },
        other,
        checks,
      },
      null,
      2,
    ),
  );
  say(`written ${file}`);
  return checks.every((c) => c.ok) ? 0 : 1;
});
