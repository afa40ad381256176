/**
 * client_credentials token issuance throughput: Portcullis against node-oidc-provider configured for the same grant,
 * both measured in this run on this machine, alternating rounds so background load hits both alike.
 *
 *   npm run bench:token                       # embedded database (the default install)
 *   BENCH_DATABASE_URL=postgresql://… npm run bench:token   # Portcullis on PostgreSQL
 *
 * Options (environment): BENCH_SECONDS (per round, default 10), BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (requests
 * in flight, a comma-separated list of levels, default "32,128").
 * Portcullis issues a durable, audited token per request (AccessToken row + hash-chained audit event, committed before
 * the response); the baseline keeps nothing. The report gives requests/s for each and the ratio.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY_LEVELS = (process.env.BENCH_CONCURRENCY ?? "32,128").split(",").map(Number);
const PORTCULLIS_PORT = 3312;
const OIDC_PORT = 3313;
const ISSUER = `http://localhost:${PORTCULLIS_PORT}`;
const RESOURCE = `${ISSUER}/mcp`;
const SCOPE = "clients:read audit:read";

const dataDir = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
const children: ChildProcess[] = [];

function portcullisEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(PORTCULLIS_PORT),
    PORTCULLIS_BASE_URL: ISSUER,
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...(process.env.BENCH_DATABASE_URL
      ? { DATABASE_URL: process.env.BENCH_DATABASE_URL, PORTCULLIS_SECRET: randomBytes(32).toString("base64url") }
      : {}),
  };
}

function cli(args: string[]): string {
  const result = spawnSync("node_modules/.bin/tsx", ["lib/cli/main.ts", ...args], { env: portcullisEnv(), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`portcullis ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "inherit"], detached: false });
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
  port: number;
  path: string;
  body: string;
  authorization: string;
}

/** Closed-loop load: `concurrency` requests in flight on keep-alive connections, for `seconds`. */
async function measure(target: Target, seconds: number, concurrency: number): Promise<{ ok: number; failed: number; perSecond: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.from(target.body);
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const deadline = Date.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
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
            if (res.statusCode === 200) ok += 1;
            else {
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
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  if (firstFailure) process.stdout.write(`  ${target.name}: ${failed} failed, first: ${firstFailure}\n`);
  return { ok, failed, perSecond: ok / elapsed };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

async function main() {
  process.stdout.write(`Starting Portcullis (${process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "embedded database"}) and node-oidc-provider…\n`);
  start("node_modules/.bin/tsx", ["scripts/serve.ts"], portcullisEnv());
  await waitFor(`${ISSUER}/login`);
  cli(["users", "create", "--email", "bench-agent@service.example", "--service", "--role", "access_reviewer"]);
  const registered = await fetch(`${ISSUER}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: "bench agent", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic", scope: SCOPE }),
  });
  const client = (await registered.json()) as { client_id: string; client_secret: string };
  cli(["clients", "approve", client.client_id, "--reason", "benchmark", "--service-user", "bench-agent@service.example"]);

  const oidcSecret = randomBytes(32).toString("base64url");
  start("node_modules/.bin/tsx", ["bench/oidc-provider-server.ts"], {
    ...process.env,
    BENCH_OIDC_PORT: String(OIDC_PORT),
    BENCH_RESOURCE: RESOURCE,
    BENCH_CLIENT_SECRET: oidcSecret,
    NODE_ENV: "production",
  });
  await waitFor(`http://localhost:${OIDC_PORT}/.well-known/openid-configuration`);

  const form = new URLSearchParams({ grant_type: "client_credentials", scope: SCOPE, resource: RESOURCE }).toString();
  const targets: Target[] = [
    { name: "Portcullis", port: PORTCULLIS_PORT, path: "/oauth/token", body: form, authorization: basic(client.client_id, client.client_secret) },
    { name: "node-oidc-provider", port: OIDC_PORT, path: "/token", body: form, authorization: basic("bench-agent", oidcSecret) },
  ];
  for (const target of targets) await measure(target, 3, CONCURRENCY_LEVELS[0]); // warm-up: JIT, key ring, pools

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary: string[] = ["", `client_credentials token issuance, median of ${ROUNDS} rounds × ${SECONDS}s per level:`];
  for (const concurrency of CONCURRENCY_LEVELS) {
    const results = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of round % 2 ? targets : [...targets].reverse()) {
        const { perSecond, failed } = await measure(target, SECONDS, concurrency);
        results.get(target.name)!.push(perSecond);
        process.stdout.write(
          `  ${String(concurrency).padStart(3)} in flight, round ${round}  ${target.name.padEnd(20)} ${perSecond.toFixed(0).padStart(6)} req/s${failed ? `  (${failed} failed)` : ""}\n`,
        );
      }
    }
    const ours = median(results.get("Portcullis")!);
    const theirs = median(results.get("node-oidc-provider")!);
    summary.push(
      `  ${String(concurrency).padStart(3)} in flight:  Portcullis ${ours.toFixed(0).padStart(6)} req/s   node-oidc-provider ${theirs.toFixed(0).padStart(6)} req/s   ratio ${(ours / theirs).toFixed(2)}`,
    );
  }
  summary.push(
    "  (Portcullis: a durable AccessToken row and hash-chained audit event per token, committed before the response;",
    "   node-oidc-provider: JWT access tokens, nothing stored.)",
    "",
  );
  process.stdout.write(summary.join("\n"));
}

function cleanup() {
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 2000).unref();
}

main()
  .catch((error) => {
    process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    cleanup();
    setTimeout(() => process.exit(), 2500);
  });
