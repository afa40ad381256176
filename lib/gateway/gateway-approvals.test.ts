import { CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, Client, PROTOCOL_VERSION_META_KEY, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { setToolApproval } from "@/lib/approvals/set-tool-approval";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { TASKS_EXTENSION } from "@/lib/mcp/approval-delivery";
import { createRole } from "@/lib/roles/create-role";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";
import { startSessionUpstream, type SessionUpstream } from "@/test/support/upstreams";
import { gatewayRoute } from "@/test/support/gateway-route";

/**
 * Call-time governance at /mcp/<name> (DESIGN §11): a call to an upstream tool that needs a second person's approval is
 * held — never forwarded — and completes without a manual retry where the client supports it, exactly as at /mcp:
 * - the tasks extension (its requests built by hand in the SDK's 2026-07-28 envelope: the SDK 2.4 client has no tasks
 *   runtime): the call returns a task, `tasks/get` shows it working until an approver decides, then the upstream call
 *   runs exactly once; a denied, expired or cancelled task never reaches the upstream;
 * - URL-mode elicitation through the official v2 SDK client: the caller is pointed at the approval page, its retry
 *   waits for the decision, then the upstream tool runs once; a denial or an expiry ends the call and nothing runs.
 * The upstream counts every call that reaches it.
 */
const ISSUER = "http://localhost:3999";
const NAME = "vault";
const RESOURCE = `${ISSUER}/mcp/${NAME}`;
const TOOL = `${NAME}.counted`;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let upstream: SessionUpstream;
let aliceId: string;
let bobId: string;
let aliceToken: string;
let carolToken: string;
const as = (userId: string) => ({ actor: `user:${userId}`, ip: null, requestId: null });

beforeAll(async () => {
  process.env.PORTCULLIS_GATEWAY_TIMEOUT_MS = "15000";
  process.env.PORTCULLIS_APPROVAL_WAIT_MS = "10000";
  reloadEnv();
  database = await openTestDatabase();
  upstream = await startSessionUpstream(5504);
  await addUpstreamServer({ name: NAME, url: upstream.url, acceptAll: true }, CLI_CONTEXT);
  await createRole({ name: "vault_user", scopes: [`server:${NAME}`] }, CLI_CONTEXT);
  aliceId = (await createUser({ email: "vault-alice@example.test", name: "Alice", roles: ["vault_user"] }, CLI_CONTEXT)).id;
  bobId = (await createUser({ email: "vault-bob@example.test", name: "Bob", roles: ["access_reviewer"] }, CLI_CONTEXT)).id;
  aliceToken = (await issueTestToken({ userId: aliceId, scopes: [`server:${NAME}`], allowedScopes: [`server:${NAME}`], resource: RESOURCE })).token;
  const carolId = (await createUser({ email: "vault-carol@example.test", name: "Carol", roles: ["vault_user"] }, CLI_CONTEXT)).id;
  carolToken = (await issueTestToken({ userId: carolId, scopes: [`server:${NAME}`], allowedScopes: [`server:${NAME}`], resource: RESOURCE })).token;
  await setToolApproval(TOOL, ["access_reviewer"], 900, CLI_CONTEXT);
}, 60_000);
afterAll(async () => {
  await closeUpstreams();
  await upstream?.stop();
  await database.close();
});

/** A 2026-07-28 request in the SDK's envelope, declaring the tasks extension unless told what it declares instead. */
async function raw(method: string, params: Record<string, unknown>, declare: boolean | Record<string, unknown> = true, token = aliceToken) {
  const response = await gatewayRoute(RESOURCE, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": "2026-07-28",
      "Mcp-Method": method,
      "Mcp-Name": String(params.name ?? params.taskId),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 7,
      method,
      params: {
        ...params,
        _meta: {
          [PROTOCOL_VERSION_META_KEY]: "2026-07-28",
          [CLIENT_INFO_META_KEY]: { name: "tasks-by-hand", version: "1" },
          [CLIENT_CAPABILITIES_META_KEY]: declare === true ? { extensions: { [TASKS_EXTENSION]: {} } } : declare === false ? {} : declare,
        },
      },
    }),
  });
  const text = await response.text();
  const body = response.headers.get("content-type")?.includes("text/event-stream") ? JSON.parse(text.split("\n").filter((l) => l.startsWith("data: ")).at(-1)!.slice(6)) : JSON.parse(text);
  return { status: response.status, body: body as { result?: Record<string, unknown>; error?: { code: number; message: string } } };
}

const ran = (label: string) => upstream.counted.filter((l) => l === label).length;
const outcomes = (since: bigint) => db().auditEvent.findMany({ where: { kind: "gateway.call", tool: TOOL, seq: { gt: since } }, orderBy: { seq: "asc" } });
const lastSeq = async () => (await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0n;
const used = (requestId: string) => db().auditEvent.count({ where: { kind: "approval.used", detail: { path: ["approvalRequest"], equals: requestId } } });

async function createTask(label: string): Promise<string> {
  const created = await raw("tools/call", { name: "counted", arguments: { label } });
  expect(created.status).toBe(200);
  expect(created.body.result).toMatchObject({ resultType: "task", status: "working" });
  return created.body.result!.taskId as string;
}

describe("the tasks extension at /mcp/<name>", () => {
  it("answers a held call with a task that stays working until approved, then runs the upstream call exactly once", async () => {
    const since = await lastSeq();
    const taskId = await createTask("task-approved");
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ status: "pending", delivery: "task", resource: RESOURCE, toolName: TOOL, callName: "counted" });
    expect((await raw("tasks/get", { taskId })).body.result).toMatchObject({ resultType: "complete", taskId, status: "working" });
    expect(ran("task-approved")).toBe(0);

    await decideApproval(taskId, "approve", as(bobId));
    const done = await raw("tasks/get", { taskId });
    expect(done.body.result).toMatchObject({ resultType: "complete", taskId, status: "completed" });
    expect(JSON.stringify(done.body.result!.result)).toContain("ran task-approved");
    expect(ran("task-approved")).toBe(1);
    // Every later poll reads the kept result; the upstream is not called again.
    const again = await raw("tasks/get", { taskId });
    expect(again.body.result!.result).toEqual(done.body.result!.result);
    expect(ran("task-approved")).toBe(1);
    expect(await used(taskId)).toBe(1);
    const calls = await outcomes(since);
    expect(calls).toHaveLength(1);
    expect(calls[0].detail).toMatchObject({ server: NAME, upstreamTool: "counted", outcome: "ok" });
    // The run was decided again (allowed by the approval) and recorded before it was forwarded.
    const allowed = await db().auditEvent.findFirstOrThrow({ where: { kind: "decision.allow", tool: TOOL, seq: { gt: since } } });
    expect(allowed.detail).toMatchObject({ approvalRequest: taskId, server: NAME });
    expect(allowed.seq < calls[0].seq).toBe(true);
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });

  it("fails a denied task with the error, and the upstream is never called", async () => {
    const since = await lastSeq();
    const taskId = await createTask("task-denied");
    await decideApproval(taskId, "deny", as(bobId), "not today");
    const got = await raw("tasks/get", { taskId });
    expect(got.body.result).toMatchObject({ status: "failed", error: { code: -32011 } });
    expect(JSON.stringify(got.body.result)).toContain("was denied: not today");
    expect(ran("task-denied")).toBe(0);
    expect(await outcomes(since)).toHaveLength(0);
  });

  it("fails an expired task, and the upstream is never called — not even when the approval came before it expired", async () => {
    const since = await lastSeq();
    const pending = await createTask("task-expired");
    await db().approvalRequest.update({ where: { id: pending }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await raw("tasks/get", { taskId: pending })).body.result).toMatchObject({ status: "failed", error: { code: -32011 } });

    const approved = await createTask("task-approved-then-expired");
    await decideApproval(approved, "approve", as(bobId));
    await db().approvalRequest.update({ where: { id: approved }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const got = await raw("tasks/get", { taskId: approved });
    expect(got.body.result).toMatchObject({ status: "failed", error: { code: -32011 } });
    expect(JSON.stringify(got.body.result)).toContain("expired before the call ran");
    expect(ran("task-expired") + ran("task-approved-then-expired")).toBe(0);
    expect(await outcomes(since)).toHaveLength(0);
  });

  it("voids a cancelled task: it cannot be approved afterwards, and the upstream is never called", async () => {
    const since = await lastSeq();
    const taskId = await createTask("task-cancelled");
    expect((await raw("tasks/cancel", { taskId })).body.result).toEqual({ resultType: "complete" });
    expect((await raw("tasks/get", { taskId })).body.result).toMatchObject({ status: "cancelled" });
    await expect(decideApproval(taskId, "approve", as(bobId))).rejects.toMatchObject({ code: "conflict" });
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ status: "void" });
    expect((await raw("tasks/get", { taskId })).body.result).toMatchObject({ status: "cancelled" });
    expect(ran("task-cancelled")).toBe(0);
    expect(await outcomes(since)).toHaveLength(0);
  });

  it("is read only by a client that declares the extension", async () => {
    const taskId = await createTask("task-undeclared");
    expect((await raw("tasks/get", { taskId }, false)).body.error).toMatchObject({ code: -32021 });
    await raw("tasks/cancel", { taskId });
  });
});

describe("URL-mode elicitation at /mcp/<name> (official SDK client)", () => {
  function sdkClient(decide: (requestId: string) => Promise<void>, capabilities: Record<string, unknown> = {}) {
    const urls: string[] = [];
    const client = new Client({ name: "gateway-approvals", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: { url: {} }, ...capabilities } });
    client.setRequestHandler("elicitation/create", async (request) => {
      const url = (request.params as { url: string }).url;
      urls.push(url);
      await decide(/request-([0-9a-f-]{36})/.exec(url)![1]);
      return { action: "accept" };
    });
    const transport = new StreamableHTTPClientTransport(new URL(RESOURCE), { fetch: gatewayRoute, requestInit: { headers: { Authorization: `Bearer ${aliceToken}` } } });
    return { client, transport, urls };
  }

  it("points the caller at the approval page; its retry waits for the decision, then the upstream tool runs once", async () => {
    const since = await lastSeq();
    const { client, transport, urls } = sdkClient(async (id) => {
      // The approver has not decided yet when the caller is asked: nothing has reached the upstream.
      expect(ran("elicited")).toBe(0);
      expect(await decideApproval(id, "approve", as(bobId))).toEqual({ status: "approved" });
    });
    await client.connect(transport);
    const result = await client.callTool({ name: "counted", arguments: { label: "elicited" } });
    await client.close();
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain("ran elicited");
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/\/approvals#request-[0-9a-f-]{36}$/);
    const id = /request-([0-9a-f-]{36})/.exec(urls[0])![1];
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "used", delivery: "elicitation", toolName: TOOL });
    expect(await used(id)).toBe(1);
    expect(ran("elicited")).toBe(1);
    const calls = await outcomes(since);
    expect(calls).toHaveLength(1);
    expect(calls[0].detail).toMatchObject({ server: NAME, upstreamTool: "counted", outcome: "ok" });
  });

  it.each([
    ["denied", (id: string) => decideApproval(id, "deny", as(bobId), "not today").then(() => {}), "was denied"],
    ["expired", (id: string) => db().approvalRequest.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } }).then(() => {}), "expired before anyone approved it"],
  ])("ends the call with a tool error when the request is %s, and the upstream is never called", async (status, decide, says) => {
    const since = await lastSeq();
    const label = `elicited-${status}`;
    const { client, transport, urls } = sdkClient(decide);
    await client.connect(transport);
    const result = await client.callTool({ name: "counted", arguments: { label } });
    await client.close();
    expect(urls).toHaveLength(1);
    const id = /request-([0-9a-f-]{36})/.exec(urls[0])![1];
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain(`approval request ${id} ${says}`);
    expect(ran(label)).toBe(0);
    expect(await outcomes(since)).toHaveLength(0);
    expect(await used(id)).toBe(0);
    expect(await db().auditEvent.findFirstOrThrow({ where: { kind: "decision.deny", tool: TOOL }, orderBy: { seq: "desc" } })).toMatchObject({ detail: { check: `approval_${status}`, approvalRequest: id } });
  });

  it("an approved call whose upstream asks something back goes on without a second approval, and runs upstream once", async () => {
    const since = await lastSeq();
    await setToolApproval(`${NAME}.roots`, ["access_reviewer"], 900, CLI_CONTEXT);
    const { client, transport, urls } = sdkClient(async (id) => void (await decideApproval(id, "approve", as(bobId))), { roots: {} });
    let rootsAsked = 0;
    client.setRequestHandler("roots/list", async () => ((rootsAsked += 1), { roots: [{ uri: "file:///vault" }] }));
    const answers = upstream.rootsAnswers.length;
    await client.connect(transport);
    const result = await client.callTool({ name: "roots", arguments: {} });
    await client.close();
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain("file:///vault");
    // One approval page, one roots request, one upstream call that heard the answer.
    expect(urls).toHaveLength(1);
    expect(rootsAsked).toBe(1);
    expect(upstream.rootsAnswers.slice(answers)).toEqual([{ roots: [{ uri: "file:///vault" }] }]);
    const requests = await db().approvalRequest.findMany({ where: { toolName: `${NAME}.roots` } });
    expect(requests.map((r) => r.status)).toEqual(["used"]);
    // Three rounds, each decided and recorded: held, approved (the approval used once), and the round that answers
    // the upstream, allowed as a further round of the call the approval covered.
    const decisions = await db().auditEvent.findMany({ where: { kind: { startsWith: "decision." }, tool: `${NAME}.roots`, seq: { gt: since } }, orderBy: { seq: "asc" } });
    expect(decisions.map((d) => [d.kind, (d.detail as { check: string }).check])).toEqual([
      ["decision.deny", "approval_required"],
      ["decision.allow", "allowed"],
      ["decision.allow", "allowed"],
    ]);
    expect(decisions[2].reason).toContain(`approved (request ${requests[0].id}; a further round of the call it approved)`);
    expect(await used(requests[0].id)).toBe(1);
    const calls = await db().auditEvent.findMany({ where: { kind: "gateway.call", tool: `${NAME}.roots`, seq: { gt: since } } });
    expect(calls.map((c) => (c.detail as { outcome: string }).outcome)).toEqual(["ok"]);
  });

  it("a further round goes on without approval only for the caller whose approved call it continues", async () => {
    await setToolApproval(`${NAME}.roots`, ["access_reviewer"], 900, CLI_CONTEXT);
    const caps = { roots: {} };
    const held = await raw("tools/call", { name: "roots", arguments: { as: "alice" } }, caps);
    const requestId = (held.body.result!.structuredContent as { approval_request: string }).approval_request;
    await decideApproval(requestId, "approve", as(bobId));
    const asked = await raw("tools/call", { name: "roots", arguments: { as: "alice" } }, caps);
    expect(asked.body.result).toMatchObject({ resultType: "input_required", requestState: expect.stringMatching(/^pcx_/) });
    const [key] = Object.keys(asked.body.result!.inputRequests as object);
    const retry = { name: "roots", arguments: { as: "alice" }, requestState: asked.body.result!.requestState, inputResponses: { [key]: { roots: [{ uri: "file:///mine" }] } } };
    const answers = upstream.rootsAnswers.length;

    // Carol, with the same role, naming Alice's state: her call is held for an approval of its own, and nothing goes upstream.
    const stolen = await raw("tools/call", retry, caps, carolToken);
    expect(stolen.body.result).toMatchObject({ isError: true, structuredContent: { status: "pending" } });
    expect((stolen.body.result!.structuredContent as { approval_request: string }).approval_request).not.toBe(requestId);
    expect(upstream.rootsAnswers.length).toBe(answers);
    // Alice's own retry goes on and completes her call.
    const done = await raw("tools/call", retry, caps);
    expect(JSON.stringify(done.body.result)).toContain("file:///mine");
    expect(upstream.rootsAnswers.slice(answers)).toEqual([{ roots: [{ uri: "file:///mine" }] }]);
  });
});
