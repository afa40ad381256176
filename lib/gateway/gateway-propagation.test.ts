import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { watchChanges, type ChangeWatcher } from "@/lib/changes/watch-changes";
import { CHANGE_CHANNEL } from "@/lib/changes/change-transaction";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
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
