import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { watchChanges, type ChangeWatcher } from "@/lib/changes/watch-changes";
import { CHANGE_CHANNEL } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { acceptUpstreamTools } from "@/lib/gateway/accept-upstream-tools";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { refreshUpstreamServer } from "@/lib/gateway/refresh-upstream-server";
import { handleGatewayRequest } from "@/lib/gateway/handle-gateway-request";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { createRole } from "@/lib/roles/create-role";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";
import { startOwnUpstream, type RunningUpstream } from "@/test/support/upstreams";

/**
 * Registry changes made by another instance reach this one like policy changes do: the other instance commits the
 * change with its epoch bump and NOTIFY (PostgreSQL; polling on PGlite), and this instance enforces it within a second.
 * "Another instance" is a second database connection doing exactly what changeTransaction commits.
 */
const ISSUER = "http://localhost:3999";
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let watcher: ChangeWatcher;
let other: pg.Client;
let upstream: RunningUpstream;
let token: string;

beforeAll(async () => {
  database = await openTestDatabase();
  watcher = await watchChanges(database.url, { pollMs: 200, listen: database.kind === "postgres" });
  other = new pg.Client({ connectionString: database.url });
  await other.connect();
  upstream = await startOwnUpstream(4538);
  await addUpstreamServer({ name: "shared", url: upstream.url, acceptAll: true }, CLI_CONTEXT);
  await createRole({ name: "shared_user", scopes: ["server:shared"] }, CLI_CONTEXT);
  const user = await createUser({ email: "shared@example.test", name: "Shared", roles: ["shared_user"] }, CLI_CONTEXT);
  token = (await issueTestToken({ userId: user.id, scopes: ["server:shared"], allowedScopes: ["server:shared"], resource: `${ISSUER}/mcp/shared` })).token;
}, 60_000);
afterAll(async () => {
  await closeUpstreams();
  await upstream.stop();
  await other.end();
  await watcher.stop();
  await database.close();
});

/** What another instance's changeTransaction commits: the change, the policy epoch bump, the notification. */
async function elsewhere(sql: string, params: unknown[] = []): Promise<void> {
  await other.query("BEGIN");
  await other.query(sql, params);
  await other.query(`INSERT INTO "ChangeEpoch" ("topic", "version", "updatedAt") VALUES ('policy', 1, now()) ON CONFLICT ("topic") DO UPDATE SET "version" = "ChangeEpoch"."version" + 1, "updatedAt" = now()`);
  await other.query(`SELECT pg_notify($1, 'policy')`, [CHANGE_CHANNEL]);
  await other.query("COMMIT");
}

const call = () =>
  handleGatewayRequest(
    new Request(`${ISSUER}/mcp/shared`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "greet", arguments: { name: "Lu" } } }),
    }),
    "shared",
  );

async function within(ms: number, status: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if ((await call()).status === status) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not ${status} within ${ms} ms`);
}

describe("registry changes on another instance", () => {
  it("a tool held elsewhere is refused here within a second, and callable again once accepted elsewhere", async () => {
    expect((await call()).status).toBe(200);
    await elsewhere(`UPDATE "Tool" SET "state" = 'held', "pendingDefinition" = "definition", "pendingHash" = 'changed' WHERE "name" = 'shared.greet'`);
    expect(await within(1000, 403)).toBeLessThan(1000);
    await elsewhere(`UPDATE "Tool" SET "state" = 'accepted', "pendingDefinition" = NULL, "pendingHash" = NULL WHERE "name" = 'shared.greet'`);
    expect(await within(1000, 200)).toBeLessThan(1000);
  });

  it("a server removed elsewhere answers 404 here within a second", async () => {
    await elsewhere(`DELETE FROM "UpstreamServer" WHERE "name" = 'shared'`);
    expect(await within(1000, 404)).toBeLessThan(1000);
  });
});

/**
 * Two real server processes on one PostgreSQL: this test process is instance A (the admin's changes, through the same
 * lib functions the console and CLI call), a child process started like any Portcullis server is instance B, with its
 * own caches, following changes by LISTEN/NOTIFY. PGlite is one process's database, so this runs on PostgreSQL only.
 */
describe.skipIf(!process.env.PORTCULLIS_TEST_POSTGRES_URL)("two server processes on one PostgreSQL", () => {
  let child: ChildProcess;
  let port: number;
  let twin: Awaited<ReturnType<typeof startOwnUpstream>>;

  beforeAll(async () => {
    twin = await startOwnUpstream(0);
    child = spawn(process.execPath, ["--import", "tsx", "test/support/gateway-instance.ts"], {
      env: { ...process.env, DATABASE_URL: database.url, PORTCULLIS_GATEWAY_REFRESH_SECONDS: "0", PORTCULLIS_LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    port = await new Promise<number>((resolve, reject) => {
      let seen = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        const ready = /READY (\d+)/.exec(seen);
        if (ready) resolve(Number(ready[1]));
      });
      child.once("exit", (code) => reject(new Error(`instance B exited with ${code}`)));
    });
  }, 60_000);
  afterAll(async () => {
    child?.kill("SIGTERM");
    if (child && child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    await twin?.stop();
  });

  const onB = (token: string, server = "twin") =>
    fetch(`http://127.0.0.1:${port}/mcp/${server}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "greet", arguments: { name: "Bo" } } }),
    });
  async function onBWithin(token: string, ms: number, status: number, server = "twin"): Promise<number> {
    const started = Date.now();
    let last = 0;
    while (Date.now() - started < ms) {
      const response = await onB(token, server);
      await response.arrayBuffer();
      if ((last = response.status) === status) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`instance B answered ${last}, not ${status}, for ${ms} ms`);
  }

  it("a server added, a tool held and a tool accepted on A are enforced on B within a second", async () => {
    // B's first gateway call pays its cold start (first policy load, first upstream session): not what is measured.
    await addUpstreamServer({ name: "warm", url: twin.url, acceptAll: true }, CLI_CONTEXT);
    await createRole({ name: "warm_user", scopes: ["server:warm"] }, CLI_CONTEXT);
    const warmUser = await createUser({ email: "warm@example.test", name: "Warm", roles: ["warm_user"] }, CLI_CONTEXT);
    const warmToken = (await issueTestToken({ userId: warmUser.id, scopes: ["server:warm"], allowedScopes: ["server:warm"], resource: `${ISSUER}/mcp/warm` })).token;
    await onBWithin(warmToken, 15_000, 200, "warm");

    // No server by that name yet: B says so, whatever the request carries.
    expect((await onB("no-token-needed-for-a-404")).status).toBe(404);

    await addUpstreamServer({ name: "twin", url: twin.url, acceptAll: true }, CLI_CONTEXT);
    await createRole({ name: "twin_user", scopes: ["server:twin"] }, CLI_CONTEXT);
    const user = await createUser({ email: "twin@example.test", name: "Twin", roles: ["twin_user"] }, CLI_CONTEXT);
    const twinToken = (await issueTestToken({ userId: user.id, scopes: ["server:twin"], allowedScopes: ["server:twin"], resource: `${ISSUER}/mcp/twin` })).token;
    expect(await onBWithin(twinToken, 1000, 200)).toBeLessThan(1000);

    // The upstream changes greet; A's refresh holds it: B refuses it ("awaiting review") within a second.
    twin.options.greetDescription = "Greets someone, and now reads your files";
    expect((await refreshUpstreamServer("twin", CLI_CONTEXT)).changed).toEqual(["greet"]);
    expect(await onBWithin(twinToken, 1000, 403)).toBeLessThan(1000);
    const refused = await onB(twinToken);
    expect(JSON.stringify(await refused.json())).toContain("awaiting review");

    await acceptUpstreamTools("twin", ["greet"], CLI_CONTEXT);
    expect(await onBWithin(twinToken, 1000, 200)).toBeLessThan(1000);
    // B recorded its decisions in the one chain.
    const decided = await db().auditEvent.count({ where: { kind: "decision.allow", tool: "twin.greet" } });
    expect(decided).toBeGreaterThanOrEqual(2);
  });
});
