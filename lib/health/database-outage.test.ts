import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { noteChanged } from "@/lib/changes/change-versions";
import { db, useDatabaseUrl } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { isDatabaseUnavailable } from "@/lib/errors";
import { checkReadiness } from "@/lib/health/check-readiness";
import { databaseAnswersNow, databaseUnreachableSince, noteDatabaseReachable } from "@/lib/health/database-status";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { issueTestToken } from "@/test/support/mcp";
import { unexpectedFailurePage } from "@/lib/oauth/authorize/unexpected-failure-page";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";
import { formRequest, readJson } from "@/test/support/oauth";
import { InvalidAccessToken, verifyAccessToken } from "@/lib/access-tokens/verify-access-token";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let token: string;

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  const user = await createUser({ email: "outage@example.test", name: "Outage", roles: ["reader"] }, CLI_CONTEXT);
  token = (await issueTestToken({ userId: user.id, scopes: ["account:read"] })).token;
});
afterAll(async () => {
  useDatabaseUrl(database.url);
  await database.close();
});

/** Nothing listens on port 1: every connection is refused, as while PostgreSQL restarts. */
const UNREACHABLE = "postgresql://portcullis@127.0.0.1:1/portcullis";

function mcpCall(tool: string): Request {
  return new Request("http://localhost:3999/mcp", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: tool, arguments: {} } }),
  });
}

const clientCredentials = () =>
  formRequest("/oauth/token", { grant_type: "client_credentials", scope: "account:read" }, { basic: ["some-client", "some-secret"] });

describe("while the database cannot be reached", () => {
  beforeAll(() => {
    useDatabaseUrl(UNREACHABLE);
    // Whatever is cached must be read again: the next request needs the database.
    noteChanged(["policy", "revocations", "keys", "settings"]);
  });
  afterAll(() => {
    useDatabaseUrl(database.url);
    noteChanged(["policy", "revocations", "keys", "settings"]);
  });

  it("the failure is recognised as the database being unavailable", async () => {
    const error = await db().user.count().catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("the token endpoint answers 503 temporarily_unavailable (RFC 6749 error JSON), never 500", async () => {
    const response = await handleTokenRequest(clientCredentials()).catch(oauthErrorResponse);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await readJson(response);
    expect(body.error).toBe("temporarily_unavailable");
    expect(body.error_description).not.toMatch(/prisma|127\.0\.0\.1|stack/i);
  });

  it("the authorization endpoint's page says 503 temporarily_unavailable", async () => {
    const error = await db().client.findMany().catch((e: unknown) => e);
    const page = unexpectedFailurePage(error);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Temporarily unavailable");
  });

  it("a token cannot be judged without the key ring: the outage is reported, the token is not called invalid", async () => {
    const error = await verifyAccessToken(token).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(InvalidAccessToken);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("/mcp answers 503 with a JSON-RPC error and Retry-After, never 500, and lets nothing through", async () => {
    const response = await handleMcpRequest(mcpCall("whoami"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    const body = await readJson(response);
    expect(body.jsonrpc).toBe("2.0");
    expect(body.error.code).toBe(-32000);
    expect(body.result).toBeUndefined();
  });

  it("console pages are held back: the database does not answer now, and the outage is remembered", async () => {
    noteDatabaseReachable(true);
    expect(await databaseAnswersNow()).toBe(false);
    expect(databaseUnreachableSince()).toBeDefined();
  });

  it("/readyz reports the database as failed", async () => {
    const readiness = await checkReadiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.database).not.toBe("ok");
  });
});

describe("once the database is back", () => {
  it("the same requests are served again, without a restart", async () => {
    const response = await handleMcpRequest(mcpCall("whoami"));
    expect(response.status).toBe(200);
    const tokenResponse = await handleTokenRequest(clientCredentials()).catch(oauthErrorResponse);
    expect(tokenResponse.status).toBe(401);
    expect((await checkReadiness()).ready).toBe(true);
    // The change watcher's next poll notes the database reachable again; console pages are served from then on.
    noteDatabaseReachable(true);
    expect(await databaseAnswersNow()).toBe(true);
  });
});

describe.runIf(process.env.PORTCULLIS_TEST_POSTGRES_URL)("PostgreSQL ending this instance's connections (a restart)", () => {
  it("sets the session bounds that keep a stuck transaction from holding the audit-chain lock", async () => {
    const rows = await db().$queryRaw<Array<{ idle: string; statement: string }>>`
      SELECT current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('statement_timeout') AS statement`;
    expect(rows[0]).toEqual({ idle: "15s", statement: "1min" });
  });

  it("a connection ended by the server under a query (57P01) is an outage: 503 temporarily_unavailable", async () => {
    const error = await db().$executeRawUnsafe("SELECT pg_terminate_backend(pg_backend_pid())").catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
    const response = oauthErrorResponse(error);
    expect(response.status).toBe(503);
    expect((await readJson(response)).error).toBe("temporarily_unavailable");
  });

  it("a connection lost inside a transaction (node-postgres's plain Error) is an outage: 503, not 500", async () => {
    const name = new URL(database.url).pathname.slice(1);
    const error = await db()
      .$transaction(async (tx) => {
        await tx.user.count();
        const admin = new pg.Client({ connectionString: process.env.PORTCULLIS_TEST_POSTGRES_URL });
        await admin.connect();
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
        await admin.end();
        await new Promise((resolve) => setTimeout(resolve, 200));
        await tx.user.count();
      })
      .catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(oauthErrorResponse(error).status).toBe(503);
  });

  it("a request after its pooled connections were terminated is answered (503 or served), never 500", async () => {
    await handleMcpRequest(mcpCall("whoami"));
    const admin = new pg.Client({ connectionString: process.env.PORTCULLIS_TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const name = new URL(database.url).pathname.slice(1);
      const ended = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    noteChanged(["policy", "revocations"]);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await handleMcpRequest(mcpCall("whoami"))).status);
      statuses.push((await handleTokenRequest(clientCredentials()).catch(oauthErrorResponse)).status);
    }
    for (const status of statuses) expect([200, 401, 503]).toContain(status);
    // The pool replaces the terminated connections: by the last round, both are served.
    expect(statuses.slice(-2)).toEqual([200, 401]);
  });
});
