/**
 * The MCP conformance suite (@modelcontextprotocol/conformance, server mode) against a fresh Portcullis `/mcp`:
 * what revision 2026-07-28 requires (`--requirements 2026-07-28`, stateless wire) and every scenario it has for
 * 2025-11-25 (`--suite all --spec-version 2025-11-25`, the initialize handshake), both against the same endpoint.
 *
 * The suite cannot send a bearer token, so it talks to a local forwarding proxy (test/support/bearer-forwarding-proxy.ts)
 * that adds a real access token — obtained through the real client_credentials grant for an approved service client
 * whose service account holds `access_reviewer` (the read-only governance tools) — to every request. Scenarios that
 * need the suite's own fixture tools, resources or prompts cannot apply to a governance server; they are listed with
 * their reasons in scripts/conformance/not-applicable.ts. Every other scenario must pass, every check of it.
 *
 *   npm run conformance                          # ports 3920-3921, embedded database
 *   CONFORMANCE_PORT=4220 npm run conformance     # other ports (CONFORMANCE_PORT, +1)
 *
 * Exits 1 when an applicable scenario fails (or a not-applicable one has started to pass: the list must stay true),
 * 2 when the suite could not run.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startBearerForwardingProxy, type BearerForwardingProxy } from "../test/support/bearer-forwarding-proxy";
import { startServer, type RunningServer } from "./attack/server";
import { NOT_APPLICABLE, notApplicableReason } from "./conformance/not-applicable";
import { conformanceNode } from "./conformance/node-runtime";

const basePort = Number(process.env.CONFORMANCE_PORT ?? 3920);
// 2026-07-28: exactly what the revision requires, frozen at its release, on its stateless wire. 2025-11-25: every
// scenario the suite has for that revision today (a superset of its frozen requirement set), on the initialize wire.
const LEGS = [
  { revision: "2026-07-28", args: ["--requirements", "2026-07-28"] },
  { revision: "2025-11-25", args: ["--suite", "all", "--spec-version", "2025-11-25"] },
] as const;
const REVISIONS = LEGS.map((leg) => leg.revision);
const dataDir = mkdtempSync(join(tmpdir(), "portcullis-conformance-"));
const resultsDir = mkdtempSync(join(tmpdir(), "portcullis-conformance-results-"));
const usesPostgres = Boolean(process.env.DATABASE_URL);

Object.assign(process.env, {
  PORT: String(basePort),
  HOST: "127.0.0.1",
  PORTCULLIS_BASE_URL: `http://localhost:${basePort}`,
  PORTCULLIS_DATA_DIR: dataDir,
  PORTCULLIS_LOG_LEVEL: process.env.PORTCULLIS_LOG_LEVEL ?? "error",
  NEXT_TELEMETRY_DISABLED: "1",
  ...(usesPostgres && !process.env.PORTCULLIS_SECRET ? { PORTCULLIS_SECRET: randomBytes(48).toString("base64url") } : {}),
});

const print = (line = "") => process.stdout.write(`${line}\n`);

interface Check {
  id: string;
  name?: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "SKIPPED" | "INFO";
  errorMessage?: string;
}

interface ScenarioOutcome {
  revision: string;
  scenario: string;
  checks: Check[];
  failed: Check[];
  /** The whole scenario cannot apply (scripts/conformance/not-applicable.ts). */
  notApplicable?: string;
  /** Failed checks that cannot apply, and those that count. */
  excused: Check[];
  unexcused: Check[];
}

function describeOutcome(o: ScenarioOutcome): string {
  if (o.notApplicable) return `  ${o.failed.length === 0 ? "PASSES" : "n/a   "} ${o.scenario} — ${o.notApplicable}`;
  const lines = [`  ${o.unexcused.length === 0 ? "pass  " : "FAIL  "} ${o.scenario}${o.excused.length > 0 ? ` (${o.excused.length} check(s) not applicable)` : ""}`];
  for (const check of o.unexcused) lines.push(`           ✗ ${check.id}: ${check.errorMessage ?? check.status}`);
  for (const check of o.excused) lines.push(`           n/a ${check.id} — ${notApplicableReason(o.revision, o.scenario, check.id)}`);
  return lines.join("\n");
}

let server: RunningServer | undefined;
let proxy: BearerForwardingProxy | undefined;
let closeDatabase: (() => Promise<void>) | undefined;

async function main(): Promise<number> {
  const started = Date.now();
  const node = conformanceNode();
  print(`Starting Portcullis on http://localhost:${basePort} for the MCP conformance suite (conformance runs on Node ${node.version})…`);
  server = await startServer(basePort, {}, 10 * 60_000);

  const { seedServiceClient } = await import("./conformance/seed-service-client");
  const seeded = await seedServiceClient();
  closeDatabase = seeded.close;
  const token = tokenSource(server.base, seeded.clientId, seeded.clientSecret);
  await token();
  proxy = await startBearerForwardingProxy({ port: basePort + 1, target: server.base, token });
  print(`Service client approved and token issued; proxy adds it on ${proxy.url}/mcp.`);

  const outcomes: ScenarioOutcome[] = [];
  for (const { revision, args } of LEGS) {
    const out = join(resultsDir, revision);
    const runStarted = Date.now();
    const cli = await runConformance(node.path, node.args, ["server", "--url", `${proxy.url}/mcp`, ...args, "--output-dir", out]);
    const found = readOutcomes(revision, out);
    print(`\n── Revision ${revision}: ${found.length} scenarios in ${((Date.now() - runStarted) / 1000).toFixed(1)} s (suite exit code ${cli.code})`);
    if (found.length === 0) {
      print(cli.output);
      throw new Error(`the conformance suite wrote no results for ${revision}`);
    }
    for (const outcome of found) print(describeOutcome(outcome));
    outcomes.push(...found);
  }

  const applicable = outcomes.filter((o) => !o.notApplicable);
  const failures = applicable.filter((o) => o.unexcused.length > 0);
  const stale = [
    ...outcomes.filter((o) => o.notApplicable && o.failed.length === 0).map((o) => `${o.revision} ${o.scenario}`),
    ...outcomes.flatMap((o) => o.checks.filter((c) => c.status === "SUCCESS" && notApplicableReason(o.revision, o.scenario, c.id)).map((c) => `${o.revision} ${o.scenario}:${c.id}`)),
  ];
  const missing = NOT_APPLICABLE.flatMap((n) => n.revisions.filter((r) => !n.check && !outcomes.some((o) => o.revision === r && o.scenario === n.scenario)).map((r) => `${r} ${n.scenario}`));

  print("\n── Summary");
  for (const revision of REVISIONS) {
    const of = outcomes.filter((o) => o.revision === revision);
    const app = of.filter((o) => !o.notApplicable);
    const partly = app.filter((o) => o.excused.length > 0).length;
    print(`  ${revision}: ${of.length} scenarios run — ${app.length} applicable, ${app.filter((o) => o.unexcused.length === 0).length} passed (${partly} with not-applicable checks); ${of.length - app.length} not applicable`);
  }
  print(`  requests forwarded with a token: ${proxy.forwarded()}`);
  for (const s of stale) print(`  ${s} now passes: remove it from scripts/conformance/not-applicable.ts`);
  for (const m of missing) print(`  ${m} is listed as not applicable but did not run: remove it from scripts/conformance/not-applicable.ts`);
  print(`\nFinished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  print(`${applicable.length - failures.length} passed, ${failures.length} failed`);
  return failures.length > 0 || stale.length > 0 || missing.length > 0 ? 1 : 0;
}

/** A client_credentials access token for the proxy, renewed a minute before it expires. */
function tokenSource(base: string, clientId: string, clientSecret: string): () => Promise<string> {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const obtain = async () => {
    const response = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "client_credentials", resource: `${base}/mcp` }),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (response.status !== 200 || !body.access_token) throw new Error(`client_credentials failed: ${response.status} ${JSON.stringify(body)}`);
    current = { token: body.access_token, renewAt: Date.now() + Math.max(10, (body.expires_in ?? 300) - 60) * 1000 };
    return body.access_token;
  };
  return async () => {
    if (current && Date.now() < current.renewAt) return current.token;
    pending ??= obtain().finally(() => (pending = undefined));
    return pending;
  };
}

function runConformance(nodePath: string, nodeArgs: string[], args: string[]): Promise<{ code: number; output: string }> {
  const cli = resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
  return new Promise((done, fail) => {
    let output = "";
    const child = spawn(nodePath, [...nodeArgs, cli, ...args], { cwd: resultsDir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", fail);
    child.on("exit", (code) => done({ code: code ?? 1, output }));
  });
}

/** Each scenario's checks, from the `checks.json` the suite writes per scenario under the output directory. */
function readOutcomes(revision: string, out: string): ScenarioOutcome[] {
  let entries: string[];
  try {
    entries = readdirSync(out, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.endsWith("checks.json"))
    .map((entry) => {
      const checks = JSON.parse(readFileSync(join(out, entry), "utf8")) as Check[];
      const scenario = scenarioName(entry);
      const failed = checks.filter((c) => c.status === "FAILURE");
      const excused = failed.filter((c) => notApplicableReason(revision, scenario, c.id));
      return {
        revision,
        scenario,
        checks,
        failed,
        notApplicable: notApplicableReason(revision, scenario),
        excused,
        unexcused: failed.filter((c) => !excused.includes(c)),
      };
    })
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
}

// The suite names each result folder `server-<scenario>-<timestamp>`.
function scenarioName(entry: string): string {
  const folder = entry.split(/[\\/]/).slice(-2, -1)[0];
  return folder.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+(Z|\.\d+Z)?$/, "").replace(/-\d{10,}$/, "");
}

let code = 2;
try {
  code = await main();
} catch (error) {
  process.stderr.write(`\nThe conformance suite could not run: ${(error as Error)?.stack ?? String(error)}\n`);
  code = 2;
} finally {
  await proxy?.stop().catch(() => {});
  await closeDatabase?.().catch(() => {});
  await server?.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  if (process.env.CONFORMANCE_KEEP_RESULTS) print(`Results kept in ${resultsDir}`);
  else rmSync(resultsDir, { recursive: true, force: true });
}
process.exit(code);
