import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { clearToolCondition } from "@/lib/conditions/clear-tool-condition";
import { setToolCondition } from "@/lib/conditions/set-tool-condition";
import { tryToolCondition } from "@/lib/conditions/try-tool-condition";
import { db } from "@/lib/db/client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/**
 * CEL conditions on a role's use of a tool, end to end: saved through the same function as the console and CLI, then
 * enforced at /mcp for the official v2 SDK client, each decision recorded with its reason path.
 */
const RESOURCE = "http://localhost:3999/mcp";
const CONDITION = `args.client_id.startsWith("team-") && args.client_id != "team-secret"`;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let client: Client;

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  const alice = await createUser({ email: "cond-alice@example.test", name: "Alice", roles: ["editor"] }, CLI_CONTEXT);
  const { token } = await issueTestToken({ userId: alice.id, scopes: ["clients:read", "clients:write"] });
  client = new Client({ name: "conditions", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(RESOURCE), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: (url, init) => handleMcpRequest(new Request(url, init)),
    }),
  );
});
afterAll(async () => {
  await client?.close();
  await database.close();
});

const lastDecision = () => db().auditEvent.findFirstOrThrow({ where: { kind: { startsWith: "decision." }, tool: "get_client" }, orderBy: { seq: "desc" } });

describe("saving a condition", () => {
  it.each([
    [`args.client_id ==`, /^Condition refused at line 1, column \d+: syntax error/],
    [`args.clientid == "x"`, /^Condition refused at line 1, column 5: unknown field 'clientid' of args \(its fields: client_id\)$/],
    [`args.client_id`, /^Condition refused at line 1, column 5: a condition must return a boolean, and this one returns string$/],
    [`args.client_id > 3`, /no overload of '>' accepts >\(string, int\)/],
  ])("refuses %s with the position of the problem, saving nothing", async (expression, message) => {
    await expect(setToolCondition("reader", "get_client", expression, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(message) });
    expect(await db().toolCondition.count()).toBe(0);
  });

  it("refuses an unknown role or tool", async () => {
    await expect(setToolCondition("nobody", "get_client", "true", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
    await expect(setToolCondition("reader", "drop_tables", "true", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
  });

  it("saves a valid condition with a policy.changed event", async () => {
    expect(await setToolCondition("reader", "get_client", CONDITION, CLI_CONTEXT)).toMatchObject({ changed: true, previous: null });
    const event = await db().auditEvent.findFirstOrThrow({ where: { kind: "policy.changed" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ tool: "get_client", detail: { change: "tool_condition_set", role: "reader", after: CONDITION } });
  });
});

describe("enforcement at /mcp", () => {
  it("still lists the tool: whether a call is allowed depends on its arguments", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("get_client");
  });

  it("runs a call whose arguments meet the condition (through the inherited role), recording the condition in the path", async () => {
    const result = await client.callTool({ name: "get_client", arguments: { client_id: "team-web" } });
    // Allowed: the tool ran (and found no such client).
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("No client has client_id team-web");
    const decision = await lastDecision();
    expect(decision).toMatchObject({ kind: "decision.allow", detail: { args: { client_id: "team-web" }, argsSha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(decision.reason).toBe(`user cond-alice@example.test → role editor → inherits reader → scope clients:read → tool get_client → condition "${CONDITION}" true`);
  });

  it("refuses one whose arguments do not: a plain 403 naming the condition, not insufficient_scope", async () => {
    await expect(client.callTool({ name: "get_client", arguments: { client_id: "team-secret" } })).rejects.toThrow(/do not meet the condition/);
    const decision = await lastDecision();
    expect(decision).toMatchObject({ kind: "decision.deny", detail: { check: "condition", status: 403 } });
    expect(decision.reason).toBe(`user cond-alice@example.test → role editor → inherits reader → scope clients:read → tool get_client → condition "${CONDITION}" false`);

    const raw = await handleMcpRequest(
      new Request(RESOURCE, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "MCP-Protocol-Version": "2025-11-25",
          Authorization: (await freshToken()).header,
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "get_client", arguments: { client_id: "other" } } }),
      }),
    );
    expect(raw.status).toBe(403);
    expect(raw.headers.get("www-authenticate")).toBeNull();
    expect(await raw.json()).toMatchObject({ error: { data: { check: "condition", error_description: `condition "${CONDITION}" false` } } });
  });

  it("tries a condition against example arguments and the recorded calls", async () => {
    const trial = await tryToolCondition(db(), { tool: "get_client", expression: `args.client_id == "team-web"`, exampleArgs: `{"client_id":"x"}`, testerId: "" });
    expect(trial).toMatchObject({ ok: true, example: { result: false }, recorded: { wouldAllow: 1, wouldDeny: 2 } });
    const refused = await tryToolCondition(db(), { tool: "get_client", expression: `args.nope`, testerId: "" });
    expect(refused).toMatchObject({ ok: false, error: { line: 1, column: 5 } });
  });

  it("lifts the restriction on the next call once cleared", async () => {
    expect(await clearToolCondition("reader", "get_client", CLI_CONTEXT)).toEqual({ cleared: true, previous: CONDITION });
    await client.callTool({ name: "get_client", arguments: { client_id: "team-secret" } });
    expect(await lastDecision()).toMatchObject({ kind: "decision.allow", reason: "user cond-alice@example.test → role editor → inherits reader → scope clients:read → tool get_client" });
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });
});

async function freshToken() {
  const user = await db().user.findFirstOrThrow({ where: { email: "cond-alice@example.test" } });
  const { token } = await issueTestToken({ userId: user.id, scopes: ["clients:read"] });
  return { header: `Bearer ${token}` };
}
