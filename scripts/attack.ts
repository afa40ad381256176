/**
 * `npm run attack`: starts a fresh Portcullis (production build; built first if missing or stale) on its own data,
 * seeds users, clients and real tokens through the real flows, then runs every hostile case against it over HTTP and
 * prints, per area and in total, how many were attempted and how many were rejected exactly as they must be. Exits 1
 * if any attack was not rejected, 2 if the suite could not run.
 *
 *   npm run attack                       # embedded database, ports 3910-3912
 *   ATTACK_PORT=4000 npm run attack      # other ports (ATTACK_PORT … ATTACK_PORT+2)
 *   DATABASE_URL=postgresql://… PORTCULLIS_SECRET=… npm run attack   # an empty PostgreSQL database instead
 *   npm run attack -- --only "Tokens at /mcp"                          # one area
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { AttackArea, CaseOutcome } from "./attack/harness";
import { CIMD_MIN_CACHE_SECONDS } from "./attack/deps";
import { startServer, type RunningServer } from "./attack/server";

const { values } = parseArgs({ options: { only: { type: "string", multiple: true, default: [] } } });
const basePort = Number(process.env.ATTACK_PORT ?? 3910);
const dataDir = mkdtempSync(join(tmpdir(), "portcullis-attack-"));
const cimdDataDir = mkdtempSync(join(tmpdir(), "portcullis-attack-cimd-"));
const usesPostgres = Boolean(process.env.DATABASE_URL);

// The server's environment is also this process's: lib/ (imported below, after this) reads the same database.
Object.assign(process.env, {
  PORT: String(basePort),
  HOST: "127.0.0.1",
  PORTCULLIS_BASE_URL: `http://localhost:${basePort}`,
  PORTCULLIS_DATA_DIR: dataDir,
  PORTCULLIS_LOG_LEVEL: process.env.PORTCULLIS_LOG_LEVEL ?? "error",
  NEXT_TELEMETRY_DISABLED: "1",
  ...(usesPostgres && !process.env.PORTCULLIS_SECRET ? { PORTCULLIS_SECRET: randomBytes(48).toString("base64url") } : {}),
});

const servers: RunningServer[] = [];
let closeDatabase: (() => Promise<void>) | undefined;
let stopDocuments: (() => Promise<void>) | undefined;

async function cleanUp() {
  await closeDatabase?.().catch(() => {});
  await stopDocuments?.().catch(() => {});
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(cimdDataDir, { recursive: true, force: true });
}

function print(line = "") {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const started = Date.now();
  print(`Starting Portcullis on http://localhost:${basePort} (${usesPostgres ? "PostgreSQL" : "embedded database"}; builds first if the build is stale)…`);
  // Forwarded addresses are believed only from 127.0.0.9 (a stand-in proxy the abuse cases connect from, to present
  // IPv6 addresses); every other case connects from 127.0.0.1, whose X-Forwarded-For is still ignored. The bound on
  // refusals recorded one by one is lowered so the abuse cases can show it with a burst of a few hundred.
  const server = await startServer(basePort, { PORTCULLIS_TRUSTED_PROXIES: "127.0.0.9", PORTCULLIS_REFUSAL_AUDIT_PER_MINUTE: "60" }, 15 * 60_000);
  servers.push(server);

  const database = await import("./attack/database");
  closeDatabase = await database.openDatabase();
  const { seedFixtures } = await import("./attack/fixtures");
  const { startDocumentServer } = await import("./attack/document-server");

  // A second instance that may fetch metadata documents from this machine (as in development), so that the
  // documents' contents can be attacked; the first keeps the production rule that refuses private addresses.
  const documents = await startDocumentServer(basePort + 2, cimdDataDir);
  stopDocuments = documents.stop;
  const cimdServer = startServer(basePort + 1, { PORTCULLIS_DATA_DIR: cimdDataDir, DATABASE_URL: "", PORTCULLIS_SECRET: "", PORTCULLIS_CIMD_ALLOW_PRIVATE: "true", PORTCULLIS_CIMD_MIN_CACHE: String(CIMD_MIN_CACHE_SECONDS), NODE_EXTRA_CA_CERTS: documents.caFile }, 120_000);
  const fixtures = await seedFixtures(server.base, basePort);
  const cimd = await cimdServer;
  servers.push(cimd);
  print(`Seeded users, clients and tokens in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

  const areas: AttackArea[] = [];
  const modules = [
    import("./attack/authorization-server"),
    import("./attack/registration"),
    import("./attack/mcp-tokens"),
    import("./attack/transport"),
    import("./attack/mcp-revision"),
    import("./attack/console"),
    import("./attack/escalation"),
    import("./attack/ssrf"),
    import("./attack/header-injection"),
    import("./attack/oversized"),
    import("./attack/code-replay"),
    import("./attack/client-change"),
    import("./attack/sessions"),
    import("./attack/audit-tamper"),
    import("./attack/abuse"),
    import("./attack/signed-assertions"),
    import("./attack/as-2026"),
    import("./attack/gateway"),
    import("./attack/gateway-relay"),
    import("./attack/call-governance"),
    import("./attack/approval-delivery"),
    import("./attack/reviews-sinks"),
    import("./attack/console-passwords"),
    import("./attack/audit-retention"),
    import("./attack/impact-preview"),
  ];
  for (const module of await Promise.all(modules)) areas.push(module.attacks({ fx: fixtures, database, cimd: { base: cimd.base, documents } }));

  const { runCase } = await import("./attack/harness");
  const outcomes: CaseOutcome[] = [];
  for (const area of areas) {
    if (values.only!.length > 0 && !values.only!.includes(area.name)) continue;
    print(`\n── ${area.name}`);
    const results: CaseOutcome[] = [];
    for (const item of area.cases) {
      const outcome = await runCase(area.name, item);
      results.push(outcome);
      print(`  ${outcome.rejected ? "rejected" : "ACCEPTED"}  ${item.name} — expected ${item.expected}${outcome.rejected ? "" : `\n            came back: ${outcome.detail}`}`);
    }
    outcomes.push(...results);
    print(`  ${area.name}: attempted ${results.length} / rejected ${results.filter((r) => r.rejected).length}`);
  }

  print("\n── Summary");
  const names = [...new Set(outcomes.map((o) => o.area))];
  for (const name of names) {
    const of = outcomes.filter((o) => o.area === name);
    print(`  ${name.padEnd(28)} attempted ${String(of.length).padStart(3)} / rejected ${String(of.filter((o) => o.rejected).length).padStart(3)}`);
  }
  const accepted = outcomes.filter((o) => !o.rejected);
  print(`  ${"Total".padEnd(28)} attempted ${String(outcomes.length).padStart(3)} / rejected ${String(outcomes.length - accepted.length).padStart(3)}`);
  if (accepted.length > 0) {
    print(`\n${accepted.length} attack(s) were not rejected as they must be:`);
    for (const a of accepted) print(`  [${a.area}] ${a.name}\n      expected ${a.expected}\n      came back: ${a.detail}`);
  }
  print(`\nFinished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return accepted.length > 0 ? 1 : 0;
}

let code = 2;
try {
  code = await main();
} catch (error) {
  process.stderr.write(`\nThe attack suite could not run: ${(error as Error)?.stack ?? String(error)}\n`);
  code = 2;
} finally {
  await cleanUp();
}
process.exit(code);
