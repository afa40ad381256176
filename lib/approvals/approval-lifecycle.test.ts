import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { recordedArguments } from "@/lib/audit/recorded-arguments";
import { expireApprovalRequests } from "@/lib/approvals/expire-approval-requests";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { MASK } from "@/lib/approvals/mask-arguments";
import { retryApprovalNotifications } from "@/lib/approvals/notify-approval-request";
import { clearApprovalWebhook, setApprovalWebhook } from "@/lib/approvals/set-approval-webhook";
import { setToolApproval } from "@/lib/approvals/set-tool-approval";
import { db } from "@/lib/db/client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/** Approvals around the call: masked fields, expiry by the maintenance pass, and webhook notification of new requests. */
process.env.PORTCULLIS_APPROVAL_NOTIFY_BACKOFF_MS = "50";
process.env.PORTCULLIS_APPROVAL_NOTIFY_ATTEMPTS = "3";
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let client: Client;
let receiver: Server;
let receiverUrl: string;
const received: { path: string; body: Record<string, unknown> }[] = [];
let answers: number[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  const alice = await createUser({ email: "life-alice@example.test", name: "Alice", roles: ["editor"] }, CLI_CONTEXT);
  const { token } = await issueTestToken({ userId: alice.id, scopes: ["clients:read"] });
  client = new Client({ name: "lifecycle", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new StreamableHTTPClientTransport(new URL("http://localhost:3999/mcp"), { requestInit: { headers: { Authorization: `Bearer ${token}` } }, fetch: (url, init) => handleMcpRequest(new Request(url, init)) }));
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const status = answers.shift() ?? 200;
      received.push({ path: req.url ?? "", body: JSON.parse(body) });
      res.writeHead(status, status === 302 ? { Location: "http://127.0.0.1:1/elsewhere" } : {}).end(status === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await client?.close();
  receiver?.close();
  await database.close();
});

const hold = async (clientId: string) => (await client.callTool({ name: "get_client", arguments: { client_id: clientId } })).structuredContent as { approval_request: string };
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
};

describe("masked fields", () => {
  it("are never shown to approvers; the request stays bound to the real arguments", async () => {
    await setToolApproval("get_client", ["access_reviewer"], 900, CLI_CONTEXT, ["client_id"]);
    const { approval_request: id } = await hold("acme-secret-project");
    const view = (await listApprovals(db())).find((a) => a.id === id)!;
    expect(view.args).toContain(MASK);
    expect(view.args).not.toContain("acme-secret-project");
    expect(view.maskedFields).toEqual(["client_id"]);
    const row = await db().approvalRequest.findUniqueOrThrow({ where: { id } });
    expect(row.argsSha256).toBe(recordedArguments({ client_id: "acme-secret-project" }).argsSha256);
    // Unmasking the tool later does not unmask a request held under the list.
    await setToolApproval("get_client", ["access_reviewer"], 900, CLI_CONTEXT, []);
    expect((await listApprovals(db())).find((a) => a.id === id)!.args).not.toContain("acme-secret-project");
  });

  it("refuses a path that is not a field path", async () => {
    await expect(setToolApproval("get_client", ["access_reviewer"], 900, CLI_CONTEXT, ["args[0]"])).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("dot path") });
  });
});

describe("expiry in the background", () => {
  it("turns pending requests past expiry into expired ones, each with its event in the chain", async () => {
    const { approval_request: id } = await hold("will-expire");
    await db().approvalRequest.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await expireApprovalRequests()).toBeGreaterThanOrEqual(1);
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "expired" });
    expect(await db().auditEvent.findFirstOrThrow({ where: { kind: "approval.expired", detail: { path: ["approvalRequest"], equals: id } } })).toMatchObject({ actor: "system", decision: "deny" });
    expect(await expireApprovalRequests()).toBe(0);
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });
});

describe("webhook notification of new requests", () => {
  it("refuses URLs the sinks' rules refuse", async () => {
    await expect(setApprovalWebhook("http://hooks.example.com/x", false, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("https") });
    await expect(setApprovalWebhook(`${receiverUrl}/hook`, false, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("private") });
    await expect(setApprovalWebhook("https://user:pw@hooks.example.com/x", false, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(setApprovalWebhook("https://hooks.example.com/x", false, { actor: "user:nobody", ip: null, requestId: null })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("posts a Slack/Teams-compatible body for a new request; the URL is sealed at rest", async () => {
    const { display } = await setApprovalWebhook(`${receiverUrl}/services/T000/B000/very-secret`, true, CLI_CONTEXT);
    expect(display).toBe(`${receiverUrl}/…`);
    expect(JSON.stringify((await db().setting.findUniqueOrThrow({ where: { key: "approvals.webhook" } })).value)).not.toContain("very-secret");
    const { approval_request: id } = await hold("notify-me");
    await until(async () => received.some((r) => (r.body.portcullis as { approval_request?: string })?.approval_request === id));
    const note = received.find((r) => (r.body.portcullis as { approval_request?: string })?.approval_request === id)!;
    expect(note.path).toBe("/services/T000/B000/very-secret");
    expect(note.body.text).toMatch(/^Approval needed: life-alice@example\.test called get_client/);
    expect(note.body.text).not.toContain("notify-me");
    // The receiver has the body before the sender has recorded its answer: wait for the record.
    await until(async () => (await db().approvalNotification.findFirst({ where: { requestId: id } }))?.status !== "pending");
    expect(await db().approvalNotification.findFirstOrThrow({ where: { requestId: id } })).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("retries a failure with back-off, a bounded number of times, keeping the last error; redirects are not followed", async () => {
    answers = [500, 200];
    const { approval_request: retried } = await hold("retry-me");
    await until(async () => (await db().approvalNotification.findFirst({ where: { requestId: retried } }))?.status === "sent");
    expect(await db().approvalNotification.findFirstOrThrow({ where: { requestId: retried } })).toMatchObject({ status: "sent", attempts: 2 });

    answers = [302, 302, 302, 302];
    const { approval_request: redirected } = await hold("redirect-me");
    await until(async () => (await db().approvalNotification.findFirst({ where: { requestId: redirected } }))?.status === "failed");
    await retryApprovalNotifications();
    const failed = await db().approvalNotification.findFirstOrThrow({ where: { requestId: redirected } });
    expect(failed).toMatchObject({ status: "failed", attempts: 3, lastError: "webhook answered HTTP 302 (redirects are not followed)" });
    expect(received.filter((r) => r.path === "/elsewhere")).toHaveLength(0);
    answers = [];
  });

  it("once removed, notifies nobody", async () => {
    expect(await clearApprovalWebhook(CLI_CONTEXT)).toBe(true);
    const before = received.length;
    const { approval_request: id } = await hold("after-removal");
    expect(await db().approvalNotification.count({ where: { requestId: id } })).toBe(0);
    expect(received.length).toBe(before);
  });
});
