import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { handleAccessRequest } from "@/lib/authzen/handle-access-request";
import { pdpMetadata } from "@/lib/authzen/pdp-metadata";
import { setToolCondition } from "@/lib/conditions/set-tool-condition";
import { db } from "@/lib/db/client";
import { syncTools } from "@/lib/mcp/sync-tools";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/**
 * The OpenID AuthZEN Authorization API 1.0 endpoints: the specification's own request examples, its batch semantics and
 * its errors, and Portcullis's mapping (COAZ MCP binding) decided by the same `decide` as /mcp.
 */
const BASE = "http://localhost:3999";
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let pepToken: string;
let pepClientId: string;
let underScopedToken: string;
let mcpClientId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  // alice@example.com is the spec's subject: an editor (inherits reader) — clients:read and clients:write, not tokens:revoke.
  await createUser({ email: "alice@example.com", name: "Alice", roles: ["editor"] }, CLI_CONTEXT);
  const gateway = await createUser({ email: "gateway@service.test", name: "Gateway", roles: ["enforcement_point"] }, CLI_CONTEXT);
  const pep = await issueTestToken({ userId: gateway.id, scopes: ["pdp:evaluate"] });
  pepToken = pep.token;
  pepClientId = pep.clientId;
  underScopedToken = (await issueTestToken({ userId: gateway.id, scopes: ["clients:read"] })).token;
  mcpClientId = (await issueTestToken({ userId: gateway.id, scopes: ["clients:read"], clientName: "Cursor", allowedScopes: ["clients:read", "clients:write", "tokens:revoke"] })).clientId;
});
afterAll(() => database.close());

function post(path: "evaluation" | "evaluations", body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return handleAccessRequest(
    new Request(`${BASE}/access/v1/${path}`, {
      method: "POST",
      headers: Object.fromEntries(Object.entries({ "Content-Type": "application/json", Authorization: `Bearer ${pepToken}`, ...headers }).filter(([, v]) => v !== "")),
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    path,
  );
}

const alice = { type: "user", id: "alice@example.com" };
const toolCall = (tool: string, extra: Record<string, unknown> = {}) => ({
  subject: alice,
  action: { name: "call" },
  resource: { type: "tool", id: tool },
  context: { client: mcpClientId, ...extra },
});

describe("the specification's examples", () => {
  it("§5.1: answers the Access Evaluation request example with a Decision, echoing X-Request-ID", async () => {
    const response = await post(
      "evaluation",
      { subject: { type: "user", id: "alice@example.com" }, resource: { type: "account", id: "123" }, action: { name: "can_read", properties: { method: "GET" } }, context: { time: "1985-10-26T01:22-07:00" } },
      { "X-Request-ID": "bfe9eb29-ab87-4ca3-be83-a1d5d8305716" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-request-id")).toBe("bfe9eb29-ab87-4ca3-be83-a1d5d8305716");
    expect(await response.json()).toEqual({ decision: false, context: { reason_path: 'denied: resource type "account" is not governed here (only "tool")', failed_check: "resource_type" } });
  });

  it("§6.1: three evaluations with no defaults, answered in order", async () => {
    const item = (id: string) => ({ subject: alice, action: { name: "can_read" }, resource: { type: "document", id }, context: { time: "2024-05-31T15:22-07:00" } });
    const response = await post("evaluations", { evaluations: [item("boxcarring.md"), item("subject-search.md"), item("resource-search.md")] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.evaluations).toHaveLength(3);
    expect(body.evaluations.every((e: { decision: boolean }) => e.decision === false)).toBe(true);
  });

  it("§6.1.1: top-level defaults, overridden per evaluation", async () => {
    const response = await post("evaluations", {
      subject: alice,
      context: { client: mcpClientId },
      action: { name: "call" },
      evaluations: [{ resource: { type: "tool", id: "get_client" } }, { resource: { type: "tool", id: "get_client" }, action: { name: "can_edit" } }],
    });
    expect((await response.json()).evaluations).toEqual([
      { decision: true, context: { reason_path: "user alice@example.com → role editor → inherits reader → scope clients:read → tool get_client", failed_check: null } },
      { decision: false, context: { reason_path: 'denied: action "can_edit" is not "call" or "list"', failed_check: "action" } },
    ]);
  });

  it("§6: without an evaluations array, the evaluations endpoint answers one Decision", async () => {
    const response = await post("evaluations", toolCall("get_client"));
    expect(await response.json()).toMatchObject({ decision: true });
  });
});

describe("§6.1.3 evaluation semantics", () => {
  // allow, deny (editor lacks tokens:revoke), allow
  const batch = (semantic?: string) => ({
    subject: alice,
    action: { name: "call" },
    context: { client: mcpClientId },
    ...(semantic ? { options: { evaluations_semantic: semantic } } : {}),
    evaluations: [{ resource: { type: "tool", id: "get_client" } }, { resource: { type: "tool", id: "revoke_grant" } }, { resource: { type: "tool", id: "approve_client" } }],
  });
  const decisions = async (semantic?: string) => ((await (await post("evaluations", batch(semantic))).json()).evaluations as Array<{ decision: boolean }>).map((e) => e.decision);

  it("execute_all (the default) decides every evaluation", async () => {
    expect(await decisions()).toEqual([true, false, true]);
    expect(await decisions("execute_all")).toEqual([true, false, true]);
  });

  it("deny_on_first_deny stops after the first denial", async () => {
    expect(await decisions("deny_on_first_deny")).toEqual([true, false]);
  });

  it("permit_on_first_permit stops after the first permit", async () => {
    expect(await decisions("permit_on_first_permit")).toEqual([true]);
  });
});

describe("the COAZ mapping, decided as /mcp decides", () => {
  it("names the failed check and the reason path of a denial", async () => {
    const body = await (await post("evaluation", toolCall("revoke_grant"))).json();
    expect(body).toEqual({ decision: false, context: { reason_path: "denied: user alice@example.com has no role granting tokens:revoke", failed_check: "user_scope" } });
  });

  it("accepts the binding's own names: subject type identity, action tools/call, context.agent", async () => {
    const body = await (await post("evaluation", { subject: { type: "identity", id: "alice@example.com" }, action: { name: "tools/call" }, resource: { type: "tool", id: "get_client" }, context: { agent: mcpClientId } })).json();
    expect(body).toMatchObject({ decision: true });
  });

  it("judges a tool's conditions over context.args for a call, and not for a list", async () => {
    await setToolCondition("reader", "get_client", `args.client_id.startsWith("team-")`, CLI_CONTEXT);
    expect(await (await post("evaluation", toolCall("get_client", { args: { client_id: "team-a" } }))).json()).toMatchObject({ decision: true });
    const denied = await (await post("evaluation", toolCall("get_client", { args: { client_id: "other" } }))).json();
    expect(denied).toEqual({
      decision: false,
      context: {
        reason_path: `user alice@example.com → role editor → inherits reader → scope clients:read → tool get_client → condition "args.client_id.startsWith("team-")" false`,
        failed_check: "condition",
      },
    });
    expect(await (await post("evaluation", { ...toolCall("get_client"), action: { name: "list" } })).json()).toMatchObject({ decision: true });
  });

  it("judges context.scopes as the caller's token scopes when given", async () => {
    const body = await (await post("evaluation", toolCall("approve_client", { scopes: "clients:read" }))).json();
    expect(body).toMatchObject({ decision: false, context: { failed_check: "token_scope" } });
  });

  it("denies an unknown user, tool or client, and a missing client", async () => {
    expect((await (await post("evaluation", { ...toolCall("get_client"), subject: { type: "user", id: "mallory@example.com" } })).json()).context.failed_check).toBe("user_enabled");
    expect((await (await post("evaluation", toolCall("drop_tables"))).json()).context.failed_check).toBe("tool_exists");
    expect((await (await post("evaluation", toolCall("get_client", { client: "ghost" }))).json()).context.failed_check).toBe("client_active");
    expect((await (await post("evaluation", { ...toolCall("get_client"), context: {} })).json()).context.failed_check).toBe("client_active");
  });

  it("records each evaluation as a decision event naming the enforcement point", async () => {
    await post("evaluation", toolCall("get_client", { args: { client_id: "team-x" } }), { "X-Request-ID": "audit-1" });
    const event = await db().auditEvent.findFirstOrThrow({ where: { requestId: "audit-1" } });
    expect(event).toMatchObject({
      kind: "decision.allow",
      actor: `client:${pepClientId}`,
      clientId: mcpClientId,
      tool: "get_client",
      detail: { enforcementPoint: "authzen", endpoint: "/access/v1/evaluation", action: "call", check: "allowed", args: { client_id: "team-x" } },
    });
  });
});

describe("errors (§9.1.2): 401, 403, 400 — never a 500", () => {
  it("401 without a token, with a Bearer challenge naming the scope", async () => {
    const response = await post("evaluation", toolCall("get_client"), { Authorization: "" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer scope="pdp:evaluate"/);
    expect(await response.text()).toMatch(/^Unauthorized/);
  });

  it("401 for an invalid token", async () => {
    const response = await post("evaluation", toolCall("get_client"), { Authorization: "Bearer not.a.token" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("403 for a token without pdp:evaluate, recorded", async () => {
    const response = await post("evaluations", toolCall("get_client"), { Authorization: `Bearer ${underScopedToken}`, "X-Request-ID": "underscoped-1" });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope", scope="pdp:evaluate"');
    expect(await db().auditEvent.findFirstOrThrow({ where: { requestId: "underscoped-1" } })).toMatchObject({ kind: "decision.deny", detail: { enforcementPoint: "authzen", check: "token_scope" } });
  });

  it.each([
    ["not JSON", "{", "the body is not valid JSON"],
    ["an array", "[]", "the body must be a JSON object"],
    ["no subject", JSON.stringify({ action: { name: "call" }, resource: { type: "tool", id: "whoami" } }), "subject"],
    ["a subject without id", JSON.stringify({ subject: { type: "user" }, action: { name: "call" }, resource: { type: "tool", id: "whoami" } }), "subject.id"],
    ["a numeric action name", JSON.stringify({ subject: alice, action: { name: 7 }, resource: { type: "tool", id: "whoami" } }), "action.name"],
  ])("400 for %s", async (_what, body, message) => {
    const response = await post("evaluation", body);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
  });

  it("400 for a batch whose evaluation lacks a key with no default, an unknown semantic, too many evaluations", async () => {
    expect((await post("evaluations", { evaluations: [{ subject: alice, action: { name: "call" } }] })).status).toBe(400);
    expect((await post("evaluations", { ...toolCall("whoami"), options: { evaluations_semantic: "first_wins" }, evaluations: [{}] })).status).toBe(400);
    expect((await post("evaluations", { ...toolCall("whoami"), evaluations: Array.from({ length: 101 }, () => ({})) })).status).toBe(400);
  });

  it("400 for a body that is not application/json", async () => {
    const response = await post("evaluation", JSON.stringify(toolCall("whoami")), { "Content-Type": "text/plain" });
    expect(response.status).toBe(400);
  });
});

describe("discovery (§8)", () => {
  it("publishes the decision point's metadata", () => {
    const metadata = pdpMetadata();
    expect(metadata.access_evaluation_endpoint).toBe(`${metadata.policy_decision_point}/access/v1/evaluation`);
    expect(metadata.access_evaluations_endpoint).toBe(`${metadata.policy_decision_point}/access/v1/evaluations`);
  });
});
