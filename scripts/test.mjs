// `npm test`: every test Portcullis has, in order — unit and integration tests on embedded PGlite, the same again on
// PostgreSQL when one is reachable, a production build, the attack suite against it (with the MCP conformance suite
// against another fresh server alongside), then the browser journeys in Chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const CHROMIUM = process.env.PORTCULLIS_CHROMIUM ?? "/usr/bin/chromium";
const POSTGRES_URL = process.env.PORTCULLIS_TEST_POSTGRES_URL ?? "postgresql://127.0.0.1:5432/postgres";
const results = [];
/** What failed (or passed only on a retry), with the start of its error, printed again just above the summary. */
const digest = [];
const reports = mkdtempSync(join(tmpdir(), "portcullis-test-reports-"));

const plain = (text) => String(text ?? "").replace(/\u001b\[[0-9;]*m/g, "");
const firstLines = (text, n = 12) =>
  plain(text)
    .split("\n")
    .filter((line) => !line.includes("node_modules"))
    .slice(0, n)
    .map((line) => `      ${line}`)
    .join("\n");

/** Failed tests from Vitest's JSON report (`--reporter=json`), if it was written. */
function vitestFailures(label, file) {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8"));
  for (const suite of report.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const test of failed) digest.push(`  ${label}: FAILED ${suite.name.replace(`${process.cwd()}/`, "")} › ${test.fullName}\n${firstLines(test.failureMessages?.[0])}`);
    if (!failed.length && suite.status === "failed") digest.push(`  ${label}: FAILED ${suite.name.replace(`${process.cwd()}/`, "")}\n${firstLines(suite.message)}`);
  }
  for (const error of report.unhandledErrors ?? []) digest.push(`  ${label}: unhandled error\n${firstLines(error.stack ?? error.message)}`);
}

/** Failed and flaky journeys from Playwright's JSON report, if it was written. */
function playwrightFailures(label, file) {
  if (!existsSync(file)) return;
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected" && test.status !== "flaky") continue;
        const error = (test.results ?? []).find((r) => r.error)?.error;
        const verdict = test.status === "flaky" ? "FLAKY (passed on retry)" : "FAILED";
        digest.push(`  ${label}: ${verdict} ${spec.file}:${spec.line} › ${[...path, spec.title].join(" › ")}\n${firstLines(error?.message ?? error?.stack)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, suite.title && !suite.title.endsWith(".ts") ? [...path, suite.title] : path);
  };
  for (const suite of JSON.parse(readFileSync(file, "utf8")).suites ?? []) walk(suite, []);
}

function run(label, command, args, env = {}) {
  process.stdout.write(`\n━━ ${label}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  const ok = result.status === 0;
  results.push({ label, ok, seconds: Math.round((Date.now() - started) / 1000) });
  return ok;
}

/**
 * A step run alongside the next ones: its output is kept and printed as one block when it is awaited, so that two
 * steps' lines do not interleave.
 */
function runAlongside(label, command, args, env = {}) {
  const started = Date.now();
  let output = "";
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const finished = new Promise((resolve) => {
    child.on("error", (error) => resolve({ code: 1, error }));
    child.on("exit", (code) => resolve({ code }));
  });
  return async () => {
    const { code, error } = await finished;
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`\n━━ ${label} (ran alongside the previous step)\n${output}${error ? `${error.message}\n` : ""}`);
    results.push({ label, ok: code === 0, seconds });
    return code === 0;
  };
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return true;
  process.stdout.write(`Chromium is not installed at ${CHROMIUM}; installing Debian's chromium package…\n`);
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo"];
  const apt = (args) => spawnSync(asRoot[0] ?? "apt-get", asRoot.length ? ["apt-get", ...args] : args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  apt(["update", "-qq"]);
  apt(["install", "-y", "-qq", "chromium"]);
  if (existsSync(CHROMIUM)) return true;
  process.stdout.write(`Could not install Chromium (apt-get install chromium failed). Set PORTCULLIS_CHROMIUM to a Chromium binary.\n`);
  return false;
}

async function postgresReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    process.stdout.write(`PostgreSQL is not reachable at ${new URL(url).host} (${error.code ?? error.message}).\n`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const vitest = join("node_modules", ".bin", "vitest");
const vitestRun = (label, name, env = {}) => {
  const file = join(reports, `${name}.json`);
  const ok = run(label, vitest, ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`], env);
  vitestFailures(label, file);
  return ok;
};
vitestRun("Unit and integration tests (embedded PGlite)", "vitest-pglite");

if (await postgresReachable(POSTGRES_URL)) {
  vitestRun("Integration tests (PostgreSQL)", "vitest-postgres", { PORTCULLIS_TEST_POSTGRES_URL: POSTGRES_URL });
} else {
  process.stdout.write(
    "Skipping the PostgreSQL pass: no PostgreSQL server answered. Set PORTCULLIS_TEST_POSTGRES_URL to run it.\n",
  );
  results.push({ label: "Integration tests (PostgreSQL)", ok: true, skipped: true, seconds: 0 });
}

if (run("Production build", join("node_modules", ".bin", "next"), ["build"])) {
  // The conformance suite needs a server of its own for under a minute; it runs while the attack suite does.
  const conformance = runAlongside("MCP conformance suite (2026-07-28 requirements, 2025-11-25 scenarios)", join("node_modules", ".bin", "tsx"), ["scripts/conformance.ts"]);
  run("Attack suite (hostile requests against a fresh server)", join("node_modules", ".bin", "tsx"), ["scripts/attack.ts"]);
  await conformance();
  if (ensureChromium()) {
    const dataDir = mkdtempSync(join(tmpdir(), "portcullis-e2e-"));
    const file = join(reports, "playwright.json");
    run("Browser journeys (Playwright, Chromium)", join("node_modules", ".bin", "playwright"), ["test"], {
      PORTCULLIS_E2E_DATA_DIR: dataDir,
      PORTCULLIS_CHROMIUM: CHROMIUM,
      PORTCULLIS_E2E_REPORT: file,
    });
    playwrightFailures("Browser journeys", file);
    rmSync(dataDir, { recursive: true, force: true });
  } else {
    results.push({ label: "Browser journeys (Playwright, Chromium)", ok: false, seconds: 0 });
  }
}

if (digest.length) process.stdout.write(`\n━━ Failed or flaky\n${digest.join("\n")}\n`);
rmSync(reports, { recursive: true, force: true });
process.stdout.write("\n━━ Summary\n");
for (const r of results) {
  process.stdout.write(`  ${r.skipped ? "SKIP" : r.ok ? "PASS" : "FAIL"}  ${r.label} (${r.seconds}s)\n`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
