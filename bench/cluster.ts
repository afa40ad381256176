/**
 * A small harness for running several Portcullis instances on one database, used by `npm run bench:propagation`,
 * `npm run bench:load` and `npm run faults`. Never part of the product.
 *
 *   const cluster = await startCluster({ instances: 2, basePort: 3811 });   // fresh PostgreSQL database, 2 servers
 *   await cluster.useLib();                      // this process reaches the same database through lib/
 *   const fixtures = await seedFixtures(cluster); // admin, users with roles, an approved client_credentials client
 *   await cluster.instances[0].kill("SIGKILL"); await cluster.instances[0].start();
 *   await cluster.teardown();                    // also runs on Ctrl-C, SIGTERM and on an uncaught error
 *
 * Each instance is `tsx server.ts` (the production build, built once up front if stale) in its own process
 * group, so a kill reaches the server process and not only tsx's launcher. All instances share one DATABASE_URL, one
 * PORTCULLIS_SECRET and one public base URL (the issuer); each listens on its own port.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScratchDatabase as createScratch, type ScratchDatabase } from "@/test/support/scratch-database";
import { buildProduction, productionBuildIsCurrent } from "../scripts/production-build";

export const POSTGRES_SERVER_URL = process.env.PORTCULLIS_BENCH_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/postgres";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------------
// Teardown on every way out

const teardowns: Array<() => Promise<void>> = [];
let tearingDown: Promise<void> | undefined;

/** Registers cleanup that runs on teardown, Ctrl-C, SIGTERM or an uncaught error (last registered runs first). */
export function onTeardown(step: () => Promise<void>): void {
  teardowns.push(step);
}

export function runTeardowns(): Promise<void> {
  tearingDown ??= (async () => {
    while (teardowns.length > 0) {
      const step = teardowns.pop()!;
      try {
        await step();
      } catch (error) {
        process.stderr.write(`teardown step failed: ${(error as Error).message}\n`);
      }
    }
  })().finally(() => (tearingDown = undefined));
  return tearingDown;
}

let signalsInstalled = false;
function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: tearing down…\n`);
      void runTeardowns().finally(() => process.exit(130));
    });
  }
  process.on("uncaughtException", (error) => {
    process.stderr.write(`uncaught: ${error.stack ?? error}\n`);
    void runTeardowns().finally(() => process.exit(1));
  });
}

/** Runs a script's main with teardown guaranteed; exits with its code. */
export function runMain(main: () => Promise<number | void>): void {
  installSignalHandlers();
  main()
    .then(
      (code) => (process.exitCode = code ?? 0),
      (error) => {
        process.stderr.write(`failed: ${(error as Error).stack ?? error}\n`);
        process.exitCode = 1;
      },
    )
    .finally(() => runTeardowns().finally(() => setTimeout(() => process.exit(), 200).unref()));
}

// ---------------------------------------------------------------------------------------------------------------------
// Build and database

/** Builds once here when the build is stale, so N instances starting at once do not each build. */
export function ensureProductionBuild(): void {
  if (productionBuildIsCurrent()) return;
  process.stdout.write("Building Portcullis (next build)…\n");
  if (!buildProduction(["ignore", "ignore", "inherit"])) throw new Error("next build failed");
}

/** A fresh database on the PostgreSQL server, dropped on teardown. */
export async function createScratchDatabase(prefix: string, serverUrl = POSTGRES_SERVER_URL): Promise<ScratchDatabase> {
  const scratch = await createScratch(serverUrl, prefix);
  onTeardown(() => scratch.drop());
  return scratch;
}

// ---------------------------------------------------------------------------------------------------------------------
// Instances

export class Instance {
  process?: ChildProcess;
  readonly url: string;
  /** The balancer's origin (the issuer's): what a browser sends as `Origin` for the console's forms. */
  readonly publicOrigin: string;
  private readonly logPath: string;
  starts = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly environment: NodeJS.ProcessEnv,
    logDir: string,
  ) {
    this.url = `http://localhost:${port}`;
    this.publicOrigin = new URL(environment.PORTCULLIS_BASE_URL ?? this.url).origin;
    this.logPath = join(logDir, `${name}.log`);
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Starts the server (its own process group) and waits until /readyz answers 200. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = openSync(this.logPath, "a");
    this.starts += 1;
    this.process = spawn("node_modules/.bin/tsx", ["server.ts"], {
      env: { ...this.environment, PORT: String(this.port) },
      stdio: ["ignore", log, log],
      detached: true,
    });
    closeSync(log);
    await this.waitReady(timeoutMs);
  }

  /** Polls /readyz until 200; fails early if the process exits. Returns the milliseconds it took. */
  async waitReady(timeoutMs = 120_000): Promise<number> {
    const started = performance.now();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${this.logTail()}`);
      if (await this.ready()) return performance.now() - started;
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  async ready(timeoutMs = 2000): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /** Sends a signal to the whole process group (tsx's launcher and the server) and waits for the exit. */
  async kill(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<void> {
    const child = this.process;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
    const timer = sleep(timeoutMs).then(() => "timeout" as const);
    if ((await Promise.race([exited, timer])) === "timeout") {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
      await exited;
    }
    // The group may outlive its leader for a moment (the server after tsx): make sure nothing of it keeps the port.
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(-child.pid!, 0);
        await sleep(100);
      } catch {
        break;
      }
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  logText(): string {
    return existsSync(this.logPath) ? readFileSync(this.logPath, "utf8") : "";
  }
}

export interface ClusterOptions {
  instances: number;
  /** The first instance listens here, the next on basePort + 1, … */
  basePort: number;
  /** Prefix of the scratch database's name (PostgreSQL) — ignored with `embedded`. */
  databasePrefix?: string;
  /** One instance on an embedded PGlite data directory (no DATABASE_URL) instead of PostgreSQL. */
  embedded?: boolean;
  /** Extra environment for every instance (e.g. PORTCULLIS_CHANGE_LISTEN=false). */
  env?: Record<string, string>;
  /** Keep the instances' logs directory after teardown (it is printed). */
  keepLogs?: boolean;
}

export interface Cluster {
  instances: Instance[];
  /** The public base URL every instance is configured with (the issuer). */
  issuer: string;
  /** The MCP resource: `<issuer>/mcp`. */
  resource: string;
  databaseUrl?: string;
  dataDir?: string;
  secret: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Points this process's lib/ at the cluster's database (PostgreSQL mode only). */
  useLib(): Promise<void>;
  teardown(): Promise<void>;
}

/** Starts N instances on a fresh database and waits until each is ready. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  installSignalHandlers();
  ensureProductionBuild();
  const logDir = mkdtempSync(join(tmpdir(), "portcullis-cluster-"));
  onTeardown(async () => {
    if (options.keepLogs) process.stdout.write(`instance logs kept in ${logDir}\n`);
    else rmSync(logDir, { recursive: true, force: true });
  });
  const secret = randomBytes(36).toString("base64url");
  // The address clients are told about (behind a load balancer it would be the balancer's); each instance has its own
  // port but the same issuer, as instances behind one balancer do.
  const issuer = `http://localhost:${options.basePort}`;
  const database = options.embedded ? undefined : await createScratchDatabase(options.databasePrefix ?? "portcullis_cluster");
  const dataDir = options.embedded ? mkdtempSync(join(tmpdir(), "portcullis-cluster-data-")) : undefined;
  if (dataDir) onTeardown(async () => rmSync(dataDir, { recursive: true, force: true }));
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORTCULLIS_BASE_URL: issuer,
    PORTCULLIS_SECRET: secret,
    PORTCULLIS_LOG_LEVEL: process.env.PORTCULLIS_LOG_LEVEL ?? "warn",
    ...(database ? { DATABASE_URL: database.url } : { DATABASE_URL: "", PORTCULLIS_DATA_DIR: dataDir }),
    ...options.env,
  };
  const instances = Array.from(
    { length: options.instances },
    (_, i) => new Instance(String.fromCharCode(65 + i), options.basePort + (options.embedded ? 0 : i + 1), environment, logDir),
  );
  onTeardown(async () => {
    await Promise.all(instances.map((instance) => instance.kill("SIGTERM")));
  });
  // The first instance applies migrations and seeds; the others then start side by side.
  await instances[0].start();
  await Promise.all(instances.slice(1).map((instance) => instance.start()));

  let libReady = false;
  return {
    instances,
    issuer,
    resource: `${issuer}/mcp`,
    databaseUrl: database?.url,
    dataDir,
    secret,
    env: environment,
    logDir,
    async useLib() {
      if (libReady) return;
      if (!database) throw new Error("useLib needs PostgreSQL: an embedded database belongs to its server");
      // lib/env.ts reads process.env once; this process becomes one more member of the deployment.
      Object.assign(process.env, { DATABASE_URL: database.url, PORTCULLIS_SECRET: secret, PORTCULLIS_BASE_URL: issuer, PORTCULLIS_LOG_LEVEL: "error" });
      const { reloadEnv } = await import("@/lib/env");
      const { useDatabaseUrl, closeDatabase } = await import("@/lib/db/client");
      reloadEnv();
      useDatabaseUrl(database.url);
      onTeardown(() => closeDatabase());
      libReady = true;
    },
    teardown: runTeardowns,
  };
}

/** Runs `npm run portcullis -- …` against the cluster's database; returns stdout (throws on a non-zero exit). */
export function cli(cluster: Pick<Cluster, "env">, args: string[], input?: string): string {
  const result = spawnSync("node_modules/.bin/tsx", ["lib/cli/main.ts", ...args], { env: cluster.env, encoding: "utf8", input });
  if (result.status !== 0) throw new Error(`portcullis ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}
