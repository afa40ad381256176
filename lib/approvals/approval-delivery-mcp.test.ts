import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { setToolApproval } from "@/lib/approvals/set-tool-approval";
import { db } from "@/lib/db/client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/**
 * A held call completes without a retry where the client supports it: URL-mode elicitation through the official v2 SDK
 * client (its multi round-trip driver retries the call by itself once the user has been shown the approval page), and
 * the tasks extension (the SDK 2.4 client has no tasks runtime, so its requests are replayed by hand with the SDK's
 * own envelope). The approver decides through lib/, as the console and CLI do.
 */
const RESOURCE = "http://localhost:3999/mcp";
process.env.PORTCULLIS_APPROVAL_WAIT_MS = "3000";
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let aliceId: string;
let bobId: string;
let aliceToken: string;
let carolToken: string;
const as = (userId: string) => ({ actor: `user:${userId}`, ip: null, requestId: null });
let captured: { headers: Headers; body: Record<string, unknown> } | undefined;

function sdkClient(token: string, options: { elicitation?: (url: string) => Promise<"accept" | "decline"> } = {}) {
  const client = new Client({ name: "delivery", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: options.elicitation ? { elicitation: { url: {} } } : {} });
  if (options.elicitation) {
    const answer = options.elicitation;
    client.setRequestHandler("elicitation/create", async (request) => ({ action: await answer((request.params as { url: string }).url) }));
  }
  const transport = new StreamableHTTPClientTransport(new URL(RESOURCE), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: async (url, init) => {
      const request = new Request(url, init);
      const text = await request.clone().text();
      if (text.includes('"tools/call"')) captured = { headers: new Headers(request.headers), body: JSON.parse(text) };
      return handleMcpRequest(request);
    },
  });
  return { client, transport };
}

/** A request in the SDK's own 2026-07-28 envelope (captured from its tools/call), with the tasks extension declared. */
async function raw(token: string, method: string, params: Record<string, unknown>, declareTasks = true) {
  const meta = { ...(captured!.body.params as { _meta: Record<string, unknown> })._meta };
  const caps = { ...(meta["io.modelcontextprotocol/clientCapabilities"] as Record<string, unknown>) };
  if (declareTasks) caps.extensions = { "io.modelcontextprotocol/tasks": {} };
  meta["io.modelcontextprotocol/clientCapabilities"] = caps;
  const headers = new Headers(captured!.headers);
  headers.set("authorization", `Bearer ${token}`);
  headers.set("mcp-method", method);
  headers.set("mcp-name", String(params.name ?? params.taskId));
  const response = await handleMcpRequest(new Request(RESOURCE, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params: { ...params, _meta: meta } }) }));
  return { status: response.status, body: (await response.json()) as { result?: Record<string, unknown>; error?: { code: number; message: string } } };
}

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  aliceId = (await createUser({ email: "dlv-alice@example.test", name: "Alice", roles: ["editor"] }, CLI_CONTEXT)).id;
  bobId = (await createUser({ email: "dlv-bob@example.test", name: "Bob", roles: ["access_reviewer"] }, CLI_CONTEXT)).id;
  const carolId = (await createUser({ email: "dlv-carol@example.test", name: "Carol", roles: ["editor"] }, CLI_CONTEXT)).id;
  aliceToken = (await issueTestToken({ userId: aliceId, scopes: ["clients:read"] })).token;
  carolToken = (await issueTestToken({ userId: carolId, scopes: ["clients:read"] })).token;
  await setToolApproval("get_client", ["access_reviewer"], 900, CLI_CONTEXT);
});
afterAll(() => database.close());

const used = (requestId: string) => db().auditEvent.count({ where: { kind: "approval.used", detail: { path: ["approvalRequest"], equals: requestId } } });

describe("URL-mode elicitation (official SDK client)", () => {
  it("points the user at the approval page; once approved, the one call completes by itself and runs once", async () => {
    const urls: string[] = [];
    const { client, transport } = sdkClient(aliceToken, {
      elicitation: async (url) => {
        urls.push(url);
        const id = /request-([0-9a-f-]{36})/.exec(url)![1];
        expect(await decideApproval(id, "approve", as(bobId))).toEqual({ status: "approved" });
        return "accept";
      },
    });
    await client.connect(transport);
    const result = await client.callTool({ name: "get_client", arguments: { client_id: "elicited" } });
    await client.close();
    // The tool ran (an unknown client is get_client's own answer), not the held result.
    expect(JSON.stringify(result.content)).toContain("No client has client_id elicited");
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/\/approvals#request-[0-9a-f-]{36}$/);
    const id = /request-([0-9a-f-]{36})/.exec(urls[0])![1];
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "used", delivery: "elicitation" });
    expect(await used(id)).toBe(1);
  });

  it("a denial ends the call with a tool error saying so, and nothing runs", async () => {
    let id = "";
    const { client, transport } = sdkClient(aliceToken, {
      elicitation: async (url) => {
        id = /request-([0-9a-f-]{36})/.exec(url)![1];
        await decideApproval(id, "deny", as(bobId), "not today");
        return "accept";
      },
    });
    await client.connect(transport);
    const result = await client.callTool({ name: "get_client", arguments: { client_id: "denied-one" } });
    await client.close();
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain(`approval request ${id} was denied`);
    expect(await used(id)).toBe(0);
    expect(await db().auditEvent.findFirstOrThrow({ where: { kind: "decision.deny" }, orderBy: { seq: "desc" } })).toMatchObject({ detail: { check: "approval_denied", approvalRequest: id } });
  });

  it("a client without the capability keeps the held tool result and a retry", async () => {
    const { client, transport } = sdkClient(aliceToken);
    await client.connect(transport);
    const result = await client.callTool({ name: "get_client", arguments: { client_id: "old-client" } });
    await client.close();
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("make exactly the same call again");
  });
});

describe("the tasks extension", () => {
  it("answers a held call with a task that completes, once, after approval", async () => {
    const created = await raw(aliceToken, "tools/call", { name: "get_client", arguments: { client_id: "tasked" } });
    expect(created.body.result).toMatchObject({ resultType: "task", status: "working", pollIntervalMs: 1000 });
    const taskId = created.body.result!.taskId as string;
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ status: "pending", delivery: "task", resource: RESOURCE });
    expect((await raw(aliceToken, "tasks/get", { taskId })).body.result).toMatchObject({ resultType: "complete", taskId, status: "working" });

    await decideApproval(taskId, "approve", as(bobId));
    const done = await raw(aliceToken, "tasks/get", { taskId });
    expect(done.body.result).toMatchObject({ resultType: "complete", status: "completed" });
    expect(JSON.stringify(done.body.result!.result)).toContain("No client has client_id tasked");
    const again = await raw(aliceToken, "tasks/get", { taskId });
    expect(again.body.result!.result).toEqual(done.body.result!.result);
    expect(await used(taskId)).toBe(1);
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });

  it("fails a denied task with the error, and a cancelled one is void", async () => {
    const denied = (await raw(aliceToken, "tools/call", { name: "get_client", arguments: { client_id: "task-denied" } })).body.result!.taskId as string;
    await decideApproval(denied, "deny", as(bobId));
    expect((await raw(aliceToken, "tasks/get", { taskId: denied })).body.result).toMatchObject({ status: "failed", error: { code: -32011 } });

    const cancelled = (await raw(aliceToken, "tools/call", { name: "get_client", arguments: { client_id: "task-cancelled" } })).body.result!.taskId as string;
    expect((await raw(aliceToken, "tasks/cancel", { taskId: cancelled })).body.result).toEqual({ resultType: "complete" });
    expect((await raw(aliceToken, "tasks/get", { taskId: cancelled })).body.result).toMatchObject({ status: "cancelled" });
    await expect(decideApproval(cancelled, "approve", as(bobId))).rejects.toMatchObject({ code: "conflict" });
  });

  it("is found only by its caller, and only by a client that declares the extension", async () => {
    const taskId = (await raw(aliceToken, "tools/call", { name: "get_client", arguments: { client_id: "task-private" } })).body.result!.taskId as string;
    expect((await raw(carolToken, "tasks/get", { taskId })).body.error).toMatchObject({ code: -32602, message: "Failed to retrieve task: Task not found" });
    expect((await raw(aliceToken, "tasks/get", { taskId: "00000000-0000-0000-0000-000000000000" })).body.error).toMatchObject({ code: -32602 });
    const undeclared = await raw(aliceToken, "tasks/get", { taskId }, false);
    expect(undeclared.body.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { "io.modelcontextprotocol/tasks": {} } } } });
  });
});
