/**
 * `npm run bench:propagation` — how long a change made on one instance takes to be enforced by another, two instances
 * on one fresh PostgreSQL database (bench/cluster.ts):
 *
 *   revoke     instance A revokes an access token (RFC 7009, POST /oauth/revoke at A) → B refuses it at /mcp
 *   role       an admin takes a role from the token's user on A's console (the users page's form, a server action
 *              POSTed to A) → B denies the tool that role's scope was needed for; then gives it back → B allows again
 *   key        an admin rotates the signing keys on A's console (the settings page's form) → B accepts a token signed
 *              with the new key; a token signed before the rotation keeps working at B; A's token endpoint signs with
 *              the new key ("A signs new")
 *
 * The time is from the moment A's answer to the change arrived to the moment B's first refusing (or accepting) answer
 * arrived; B is probed back to back, one call in flight, so each figure includes one probe's round trip (printed as the
 * resolution). The console forms are submitted as the browser submits them, with an admin's session cookie; the
 * token signed with the new key is minted by this process through lib/ with the key A just created.
 *
 * Two runs: with LISTEN/NOTIFY (the default), and with PORTCULLIS_CHANGE_LISTEN=false, which leaves only the
 * reconciliation poll (PORTCULLIS_RECONCILE_MS, default 1000 ms) — the bound when a notification is missed.
 *
 * Options (environment): BENCH_TRIALS (per scenario and run, default 20), BENCH_MODES ("listen,poll"),
 * PORTCULLIS_BENCH_POSTGRES_URL (default postgresql://root@127.0.0.1:5432/postgres), BENCH_PORT (default 3810: issuer
 * port; the instances listen on the next ports).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { runMain, startCluster, type Cluster, type Instance } from "./cluster";
import {
  callTool,
  clientCredentialsToken,
  consoleSessionCookie,
  percentile,
  requireToken,
  revokeToken,
  seedFixtures,
  submitConsoleForm,
  type Fixtures,
} from "./cluster-fixtures";

const TRIALS = Number(process.env.BENCH_TRIALS ?? 20);
const MODES = (process.env.BENCH_MODES ?? "listen,poll").split(",").map((m) => m.trim()) as Array<"listen" | "poll">;
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3810);
const GIVE_UP_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line = "") => process.stdout.write(`${line}\n`);

interface Sample {
  ms: number;
  probes: number;
  /** What B answered when it changed its mind (HTTP status). */
  status: number;
}

interface Scenario {
  samples: Sample[];
  failures: string[];
  extra: Record<string, number>;
}

const newScenario = (): Scenario => ({ samples: [], failures: [], extra: {} });

/** Round trips of probes to B with nothing changed: the resolution of every figure (B is asked, it answers). */
const baseline: number[] = [];

/** Calls `probe` back to back until it reports the expected outcome; the time is from `since` to that answer. */
async function until(since: number, probe: () => Promise<{ done: boolean; status: number }>): Promise<Sample | string> {
  let probes = 0;
  for (;;) {
    const outcome = await probe();
    probes += 1;
    const ms = performance.now() - since;
    if (outcome.status >= 500) return `B answered ${outcome.status} after ${ms.toFixed(0)} ms`;
    if (outcome.done) return { ms, probes, status: outcome.status };
    if (ms > GIVE_UP_MS) return `no change seen at B within ${GIVE_UP_MS} ms (${probes} probes)`;
  }
}

function record(scenario: Scenario, result: Sample | string): void {
  if (typeof result === "string") scenario.failures.push(result);
  else scenario.samples.push(result);
}

/** A random pause between trials, so a change does not always land at the same point of the poll cycle. */
const jitter = () => sleep(100 + Math.random() * 400);

async function revokeTrials(a: Instance, b: Instance, cluster: Cluster, fixtures: Fixtures): Promise<Scenario> {
  const scenario = newScenario();
  for (let i = 0; i < TRIALS; i++) {
    const token = await requireToken(a, fixtures.service, cluster.resource);
    const before = await callTool(b, token, "whoami");
    baseline.push(before.ms);
    if (!before.allowed) {
      scenario.failures.push(`B refused a fresh token before the revocation: ${before.status} ${before.body.slice(0, 200)}`);
      continue;
    }
    await jitter();
    const status = await revokeToken(a, fixtures.service, token);
    const since = performance.now();
    if (status !== 200) {
      scenario.failures.push(`revocation at A answered ${status}`);
      continue;
    }
    record(
      scenario,
      await until(since, async () => {
        const r = await callTool(b, token, "whoami");
        return { done: !r.allowed, status: r.status };
      }),
    );
  }
  return scenario;
}

async function roleTrials(a: Instance, b: Instance, cluster: Cluster, fixtures: Fixtures, cookie: string): Promise<{ removed: Scenario; restored: Scenario }> {
  const userId = fixtures.service.serviceUser.id;
  const page = `/users/${userId}`;
  const removeRole = () => submitConsoleForm(a, cookie, page, "removeRoleAction", { userId, role: "reader" });
  const assignRole = () => submitConsoleForm(a, cookie, page, "assignRoleAction", { userId, role: "reader" });
  const removed = newScenario();
  const restored = newScenario();
  // The token keeps its scope (clients:read); only the user's roles change, so only the current policy can refuse it.
  const token = await requireToken(a, fixtures.service, cluster.resource);
  for (let i = 0; i < TRIALS; i++) {
    const before = await callTool(b, token, "list_clients");
    baseline.push(before.ms);
    if (!before.allowed) {
      removed.failures.push(`B denied list_clients before the role change: ${before.status} ${before.body.slice(0, 200)}`);
      break;
    }
    await jitter();
    await removeRole();
    const since = performance.now();
    record(
      removed,
      await until(since, async () => {
        const r = await callTool(b, token, "list_clients");
        return { done: !r.allowed, status: r.status };
      }),
    );
    await jitter();
    await assignRole();
    const back = performance.now();
    record(
      restored,
      await until(back, async () => {
        const r = await callTool(b, token, "list_clients");
        return { done: r.allowed, status: r.status };
      }),
    );
  }
  return { removed, restored };
}

async function keyTrials(a: Instance, b: Instance, cluster: Cluster, fixtures: Fixtures, cookie: string): Promise<{ accepted: Scenario; signing: Scenario }> {
  const { mintAccessToken } = await import("@/lib/access-tokens/mint-access-token");
  const { noteChanged } = await import("@/lib/changes/change-versions");
  const accepted = newScenario();
  const signing = newScenario();
  let previousKeyAccepted = 0;
  let previousKeyRefused = 0;
  for (let i = 0; i < TRIALS; i++) {
    const old = await requireToken(a, fixtures.service, cluster.resource);
    const oldCheck = await callTool(b, old, "whoami");
    if (!oldCheck.allowed) {
      accepted.failures.push(`B refused a token of the current key: ${oldCheck.status}`);
      continue;
    }
    const claims = decodeJwt(old);
    await jitter();
    const message = await submitConsoleForm(a, cookie, "/settings", "rotateSigningKeysAction", {});
    const since = performance.now();
    const kid = /^New signing key (\S+)\./.exec(message)?.[1];
    if (!kid) throw new Error(`unexpected answer to the rotation: ${message}`);
    // Signed with the key A just created, by this process (it reads the key ring afresh), for the live grant.
    noteChanged(["keys"]);
    const fresh = await mintAccessToken({
      subject: String(claims.sub),
      clientId: String(claims.client_id),
      scopes: String(claims.scope).split(" "),
      grantId: String(claims.grant_id),
      resource: cluster.resource,
    });
    if (decodeProtectedHeader(fresh.token).kid !== kid) throw new Error("minted token does not carry the new kid");
    record(
      accepted,
      await until(since, async () => {
        const r = await callTool(b, fresh.token, "whoami");
        return { done: r.allowed, status: r.status };
      }),
    );
    // The previous key stays published until its tokens expire.
    (await callTool(b, old, "whoami")).allowed ? (previousKeyAccepted += 1) : (previousKeyRefused += 1);
    // And A's own token endpoint moves to the new key.
    record(
      signing,
      await until(since, async () => {
        const t = await clientCredentialsToken(a, fixtures.service, cluster.resource);
        return { done: t.accessToken !== undefined && decodeProtectedHeader(t.accessToken).kid === kid, status: t.status };
      }),
    );
  }
  accepted.extra.previousKeyAccepted = previousKeyAccepted;
  accepted.extra.previousKeyRefused = previousKeyRefused;
  if (previousKeyRefused > 0) accepted.failures.push(`${previousKeyRefused} token(s) of the previous key were refused after a rotation`);
  return { accepted, signing };
}

function summarise(name: string, scenario: Scenario) {
  const ms = scenario.samples.map((s) => s.ms);
  const within = ms.filter((m) => m <= 1000).length;
  return {
    name,
    n: ms.length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    max: ms.length ? Math.max(...ms) : Number.NaN,
    withinOneSecond: ms.length ? within / ms.length : 0,
    probesMedian: percentile(scenario.samples.map((s) => s.probes), 50),
    statuses: [...new Set(scenario.samples.map((s) => s.status))].join(","),
    failures: scenario.failures,
    extra: scenario.extra,
  };
}

async function runMode(mode: "listen" | "poll", basePort: number) {
  say(`\n== ${mode === "listen" ? "LISTEN/NOTIFY + 1 s reconciliation (default)" : "reconciliation poll only (PORTCULLIS_CHANGE_LISTEN=false)"} ==`);
  const cluster = await startCluster({
    instances: 2,
    basePort,
    databasePrefix: "portcullis_ops_prop",
    env: mode === "poll" ? { PORTCULLIS_CHANGE_LISTEN: "false" } : {},
  });
  try {
    const [a, b] = cluster.instances;
    await cluster.useLib();
    const fixtures = await seedFixtures(cluster, a);
    // Warm both instances (JIT, key ring, policy, pools) before measuring.
    const warm = await requireToken(a, fixtures.service, cluster.resource);
    for (let i = 0; i < 20; i++) await Promise.all([callTool(a, warm, "whoami"), callTool(b, warm, "list_clients")]);

    say(`instances ${a.url} (A) and ${b.url} (B), issuer ${cluster.issuer}, ${TRIALS} trials per scenario`);
    const revoke = await revokeTrials(a, b, cluster, fixtures);
    const cookie = await consoleSessionCookie(fixtures.admin);
    const role = await roleTrials(a, b, cluster, fixtures, cookie);
    const key = await keyTrials(a, b, cluster, fixtures, cookie);
    const rows = [
      summarise("revoke at A → B refuses", revoke),
      summarise("role removed on A → B denies", role.removed),
      summarise("role back on A → B allows", role.restored),
      summarise("key rotated on A → B accepts", key.accepted),
      summarise("key rotated on A → A signs", key.signing),
    ];
    const probe = { p50: percentile(baseline, 50), p95: percentile(baseline, 95), n: baseline.length };
    baseline.length = 0;
    return { mode, rows, probe };
  } finally {
    const { closeDatabase } = await import("@/lib/db/client");
    await closeDatabase();
    await cluster.teardown();
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "—");

runMain(async () => {
  const results = [];
  for (const [i, mode] of MODES.entries()) {
    const result = await runMode(mode, BASE_PORT + i * 5);
    results.push(result);
    say();
    say(`${"scenario".padEnd(32)} ${"n".padStart(3)} ${"p50".padStart(10)} ${"p95".padStart(10)} ${"max".padStart(10)}  ≤1 s   probes(p50)  B's answer`);
    for (const row of result.rows) {
      say(
        `${row.name.padEnd(32)} ${String(row.n).padStart(3)} ${fmt(row.p50).padStart(10)} ${fmt(row.p95).padStart(10)} ${fmt(row.max).padStart(10)}  ${(row.withinOneSecond * 100).toFixed(0).padStart(3)} %  ${String(row.probesMedian).padStart(6)}       ${row.statuses}`,
      );
      for (const failure of row.failures) say(`   FAILURE: ${failure}`);
    }
    const key = result.rows.find((r) => r.name.startsWith("key rotated on A → B"))!;
    say(`one probe's round trip to B with nothing changed (the resolution): p50 ${fmt(result.probe.p50)}, p95 ${fmt(result.probe.p95)} (n=${result.probe.n})`);
    say(`previous key after rotation at B: ${key.extra.previousKeyAccepted ?? 0} accepted, ${key.extra.previousKeyRefused ?? 0} refused`);
  }
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/propagation-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, JSON.stringify({ trials: TRIALS, results }, null, 2));
  say(`\nwritten ${file}`);
  const failed = results.some((r) => r.rows.some((row) => row.failures.length > 0 || row.n < TRIALS));
  return failed ? 1 : 0;
});
