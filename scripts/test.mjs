// `npm test`: every test Portcullis has, in order — unit and integration tests on embedded PGlite, the same again on
// PostgreSQL when one is reachable, a production build, the attack suite against it (with the MCP conformance suite
// against another fresh server alongside), then the browser journeys in Chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const CHROMIUM = process.env.PORTCULLIS_CHROMIUM ?? "/usr/bin/chromium";
const POSTGRES_URL = process.env.PORTCULLIS_TEST_POSTGRES_URL ?? "postgresql://127.0.0.1:5432/postgres";
const results = [];

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
run("Unit and integration tests (embedded PGlite)", vitest, ["run"]);

if (await postgresReachable(POSTGRES_URL)) {
  run("Integration tests (PostgreSQL)", vitest, ["run"], { PORTCULLIS_TEST_POSTGRES_URL: POSTGRES_URL });
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
    run("Browser journeys (Playwright, Chromium)", join("node_modules", ".bin", "playwright"), ["test"], {
      PORTCULLIS_E2E_DATA_DIR: dataDir,
      PORTCULLIS_CHROMIUM: CHROMIUM,
    });
    rmSync(dataDir, { recursive: true, force: true });
  } else {
    results.push({ label: "Browser journeys (Playwright, Chromium)", ok: false, seconds: 0 });
  }
}

process.stdout.write("\n━━ Summary\n");
for (const r of results) {
  process.stdout.write(`  ${r.skipped ? "SKIP" : r.ok ? "PASS" : "FAIL"}  ${r.label} (${r.seconds}s)\n`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
