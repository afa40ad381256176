import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { setToolApproval } from "@/lib/approvals/set-tool-approval";
import { db } from "@/lib/db/client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { assignRole } from "@/lib/users/assign-role";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/**
 * Approval of sensitive calls through /mcp with the official v2 SDK client: the call is held with a tool result naming
 * the request, a second person approves it, the identical call then runs once; self-approval, a changed argument,
 * reuse, expiry and a change of the caller's roles are each refused.
 */
const RESOURCE = "http://localhost:3999/mcp";
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let client: Client;
let aliceId: string;
let realClientId: string;
let aliceToken: string;
const as = (userId: string) => ({ actor: `user:${userId}`, ip: null, requestId: null });
let bobId: string;
let carolId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  // alice calls; she is also an access_reviewer, so only the self-approval rule can stop her approving her own call.
  aliceId = (await createUser({ email: "appr-alice@example.test", name: "Alice", roles: ["editor", "access_reviewer"] }, CLI_CONTEXT)).id;
  bobId = (await createUser({ email: "appr-bob@example.test", name: "Bob", roles: ["access_reviewer"] }, CLI_CONTEXT)).id;
  carolId = (await createUser({ email: "appr-carol@example.test", name: "Carol", roles: ["editor"] }, CLI_CONTEXT)).id;
  const issued = await issueTestToken({ userId: aliceId, scopes: ["clients:read", "clients:write"] });
  realClientId = issued.clientId;
  aliceToken = issued.token;
  await setToolApproval("get_client", ["access_reviewer"], 900, CLI_CONTEXT);
  client = new Client({ name: "approvals", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(RESOURCE), {
      requestInit: { headers: { Authorization: `Bearer ${issued.token}` } },
      fetch: (url, init) => handleMcpRequest(new Request(url, init)),
    }),
  );
});
afterAll(async () => {
  await client?.close();
  await database.close();
});

const call = (clientId: string) => client.callTool({ name: "get_client", arguments: { client_id: clientId } });
const heldId = (result: Awaited<ReturnType<typeof call>>) => (result.structuredContent as { approval_request?: string } | undefined)?.approval_request;

describe("a call to an approval-required tool", () => {
  let first: string;

  it("is held: it does not run, and the tool result says what happens next", async () => {
    const result = await call(realClientId);
    expect(result.isError).toBe(true);
    first = heldId(result)!;
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    const text = JSON.stringify(result.content);
    expect(text).toContain(`Approval request ${first}`);
    expect(text).toContain("access_reviewer");
    expect(text).toContain("make exactly the same call again");
    expect(await db().auditEvent.findFirstOrThrow({ where: { kind: "approval.requested" }, orderBy: { seq: "desc" } })).toMatchObject({ detail: { approvalRequest: first } });
    expect(await db().auditEvent.findFirstOrThrow({ where: { kind: { startsWith: "decision." } }, orderBy: { seq: "desc" } })).toMatchObject({ kind: "decision.deny", detail: { check: "approval_required", approvalRequest: first } });
  });

  it("asked again before a decision, points at the same request", async () => {
    expect(heldId(await call(realClientId))).toBe(first);
    expect((await listApprovals(db())).map((a) => a.id)).toEqual([first]);
  });

  it("cannot be approved by the caller, nor by someone without an approver role", async () => {
    await expect(decideApproval(first, "approve", as(aliceId))).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/your own call/) });
    await expect(decideApproval(first, "approve", as(carolId))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("once approved by a second person, runs exactly once", async () => {
    expect(await decideApproval(first, "approve", as(bobId), "checked with the owner")).toEqual({ status: "approved" });
    await expect(decideApproval(first, "approve", as(bobId))).rejects.toMatchObject({ code: "conflict" });
    const ran = await call(realClientId);
    expect(ran.isError).toBeFalsy();
    expect(ran.structuredContent).toMatchObject({ client_id: realClientId });
    expect(await db().auditEvent.findFirstOrThrow({ where: { kind: "approval.used" }, orderBy: { seq: "desc" } })).toMatchObject({ detail: { approvalRequest: first } });
    const again = await call(realClientId);
    expect(again.isError).toBe(true);
    expect(heldId(again)).not.toBe(first);
  });

  it("with different arguments, is not covered by another call's approval", async () => {
    const pending = (await listApprovals(db()))[0];
    await decideApproval(pending.id, "approve", as(bobId));
    const other = await call("some-other-client");
    expect(other.isError).toBe(true);
    expect(heldId(other)).not.toBe(pending.id);
  });

  it("after its approval expired, is held again", async () => {
    const approved = await db().approvalRequest.findFirstOrThrow({ where: { status: "approved" } });
    await db().approvalRequest.update({ where: { id: approved.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const result = await call(realClientId);
    expect(result.isError).toBe(true);
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: approved.id } })).toMatchObject({ status: "expired" });
  });

  it("is void when the caller's roles changed after approval", async () => {
    const pending = await db().approvalRequest.findFirstOrThrow({ where: { status: "pending", args: { equals: { client_id: realClientId } } } });
    await decideApproval(pending.id, "approve", as(bobId));
    await assignRole(aliceId, "developer", CLI_CONTEXT);
    const result = await call(realClientId);
    expect(result.isError).toBe(true);
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: "void" });
    expect(await db().auditEvent.count({ where: { kind: "approval.voided" } })).toBe(1);
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });

  it("is refused, never run nor forwarded, by a pipeline that knows nothing of approvals", async () => {
    const { authenticateBearer } = await import("@/lib/mcp/authenticate-bearer");
    const { authorizeToolCall } = await import("@/lib/mcp/authorize-tool-call");
    const auth = await authenticateBearer(new Request(RESOURCE, { method: "POST", headers: { Authorization: `Bearer ${aliceToken}` } }));
    if (!auth.ok) throw new Error(auth.reason);
    const outcome = await authorizeToolCall(auth.caller, auth.snapshot, { id: 9, name: "get_client", args: { client_id: "fresh" } }, { ip: null, requestId: null });
    expect(outcome.allowed).toBe(false);
    if (outcome.allowed) return;
    expect(await outcome.response.json()).toMatchObject({ jsonrpc: "2.0", id: 9, result: { isError: true, structuredContent: { status: "pending" } } });
  });
});
