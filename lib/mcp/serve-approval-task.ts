import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { appendAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { TASKS_EXTENSION } from "@/lib/mcp/approval-delivery";
import type { HeldCall } from "@/lib/mcp/authorize-tool-call";
import type { McpCaller } from "@/lib/mcp/caller";
import { JSON_RPC, jsonRpcErrorResponse } from "@/lib/mcp/json-rpc-response";

export const TASK_METHODS: ReadonlySet<string> = new Set(["tasks/get", "tasks/update", "tasks/cancel"]);
const POLL_MS = 1000;
const CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
// A task claimed by the poll that runs its approved call, so a concurrent poll (here or on another instance) waits.
const RUNNING = "task-running";

type Outcome = { result: Record<string, unknown> } | { error: Record<string, unknown> };
type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["approvalRequest"]["findUnique"]>>>;

function answer(id: string | number, result: Record<string, unknown>): Response {
  return Response.json({ jsonrpc: "2.0", id, result: { resultType: "complete", ...result } }, { headers: { "Cache-Control": "no-store" } });
}

function task(row: Pick<Row, "id" | "requestedAt" | "expiresAt">, status: string, extra: Record<string, unknown> = {}) {
  return {
    taskId: row.id,
    status,
    createdAt: row.requestedAt.toISOString(),
    lastUpdatedAt: new Date().toISOString(),
    ttlMs: Math.max(0, row.expiresAt.getTime() - row.requestedAt.getTime()),
    pollIntervalMs: POLL_MS,
    ...extra,
  };
}

/** The answer to a held call from a client that declared the tasks extension: a task that completes once approved. */
export function createdTaskResponse(id: string | number, held: HeldCall, requestedAt: Date = new Date()): Response {
  const created = task({ id: held.requestId, requestedAt, expiresAt: held.expiresAt ?? requestedAt }, "working", { statusMessage: held.message });
  return Response.json({ jsonrpc: "2.0", id, result: { resultType: "task", ...created } }, { headers: { "Cache-Control": "no-store" } });
}

/**
 * tasks/get, tasks/update and tasks/cancel (the tasks extension, 2026-07-28) for calls held for approval. A task is the
 * approval request: visible only to the caller and client that made it, at the resource where it was made (auth
 * binding), else "not found". Pending → `working`; denied, expired or void → `failed` with the JSON-RPC error the
 * call would have met; approved → the call is made now, through the whole pipeline again (`rerun`: current policy,
 * the approval consumed once, the decision recorded), and its result kept so every later poll reads the same.
 */
export async function serveApprovalTask(
  message: JSONRPCMessage & { id: string | number; method: string },
  caller: McpCaller,
  resource: string,
  modern: boolean,
  rerun: (body: Record<string, unknown>, name: string) => Promise<Response>,
): Promise<Response> {
  const params = ((message as { params?: Record<string, unknown> }).params ?? {}) as Record<string, unknown>;
  const meta = (params._meta ?? {}) as Record<string, unknown>;
  const capabilities = (meta[CLIENT_CAPABILITIES] ?? {}) as { extensions?: Record<string, unknown> };
  if (!modern || !capabilities.extensions || !(TASKS_EXTENSION in capabilities.extensions)) {
    return jsonRpcErrorResponse(400, JSON_RPC.missingClientCapability, "Missing required client capability", {
      id: message.id,
      data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    });
  }
  const taskId = params.taskId;
  const notFound = () => jsonRpcErrorResponse(200, JSON_RPC.invalidParams, "Failed to retrieve task: Task not found", { id: message.id });
  if (typeof taskId !== "string" || !/^[0-9a-f-]{36}$/i.test(taskId)) return notFound();
  const row = await db().approvalRequest.findUnique({ where: { id: taskId } });
  if (!row || !row.delivery?.startsWith("task") || row.userId !== caller.userId || row.clientId !== caller.clientId || row.resource !== resource) return notFound();

  // No input is ever requested from the client: responses are acknowledged and ignored (tasks extension, tasks/update).
  if (message.method === "tasks/update") return answer(message.id, {});
  if (message.method === "tasks/cancel") {
    await cancel(row);
    return answer(message.id, {});
  }
  return answer(message.id, await state(row, meta, rerun));
}

async function state(row: Row, meta: Record<string, unknown>, rerun: (body: Record<string, unknown>, name: string) => Promise<Response>): Promise<Record<string, unknown>> {
  if (row.taskOutcome) return settled(row, row.taskOutcome as Outcome);
  const now = new Date();
  switch (row.status) {
    case "pending":
      return row.expiresAt <= now ? failed(row, `Approval request ${row.id} expired before anyone approved it; the call did not run.`) : task(row, "working", { statusMessage: `Waiting for a second person to approve the call to ${row.toolName}.` });
    case "denied":
      return failed(row, `Approval request ${row.id} was denied${row.decisionNote ? `: ${row.decisionNote}` : ""}; the call did not run.`);
    case "expired":
      return failed(row, `Approval request ${row.id} expired; the call did not run.`);
    case "void":
      return row.decisionNote === "cancelled by the caller" ? task(row, "cancelled") : failed(row, `Approval request ${row.id} is void (${row.decisionNote ?? "the policy or the caller's roles changed"}); the call did not run.`);
    case "approved": {
      if (row.expiresAt <= now) return failed(row, `Approval request ${row.id} expired before the call ran.`);
      const claimed = await db().approvalRequest.updateMany({ where: { id: row.id, status: "approved", delivery: "task" }, data: { delivery: RUNNING } });
      if (claimed.count !== 1) return task(row, "working", { statusMessage: "Approved; the call is running." });
      const outcome = await run(row, meta, rerun);
      await db().approvalRequest.update({ where: { id: row.id }, data: { taskOutcome: outcome as object, delivery: "task" } });
      return settled(row, outcome);
    }
    default:
      // Used: by this task's run in progress elsewhere, or by the same call made again by hand.
      return row.delivery === RUNNING ? task(row, "working", { statusMessage: "Approved; the call is running." }) : failed(row, `Approval request ${row.id} was used by the same call made again outside this task.`);
  }
}

/** The approved call, made again as the caller (their token on this poll) without the tasks capability. */
async function run(row: Row, meta: Record<string, unknown>, rerun: (body: Record<string, unknown>, name: string) => Promise<Response>): Promise<Outcome> {
  const capabilities = { ...((meta[CLIENT_CAPABILITIES] ?? {}) as Record<string, unknown>) };
  delete capabilities.extensions;
  delete capabilities.elicitation;
  const name = row.callName ?? row.toolName;
  const body = {
    jsonrpc: "2.0",
    id: `task-${row.id}`,
    method: "tools/call",
    params: { name, arguments: row.args, _meta: { ...meta, [CLIENT_CAPABILITIES]: capabilities } },
  };
  const response = await rerun(body, name);
  const text = await response.text();
  const json = parseAnswer(text);
  if (json?.result) {
    const { resultType: _resultType, ...result } = json.result as Record<string, unknown>;
    return { result };
  }
  return { error: (json?.error as Record<string, unknown>) ?? { code: JSON_RPC.internalError, message: `The approved call failed (HTTP ${response.status}).` } };
}

/** A JSON answer, or the last `data:` event of an SSE one. */
function parseAnswer(text: string): { result?: unknown; error?: unknown } | null {
  try {
    return JSON.parse(text);
  } catch {
    const data = text.split("\n").filter((l) => l.startsWith("data:")).pop();
    try {
      return data ? JSON.parse(data.slice(5)) : null;
    } catch {
      return null;
    }
  }
}

function settled(row: Row, outcome: Outcome): Record<string, unknown> {
  return "result" in outcome ? task(row, "completed", { result: outcome.result }) : task(row, "failed", { error: outcome.error });
}

function failed(row: Row, message: string): Record<string, unknown> {
  return task(row, "failed", { statusMessage: message, error: { code: JSON_RPC.forbidden, message, data: { approval_request: row.id, status: row.status } } });
}

async function cancel(row: Row): Promise<void> {
  await db().$transaction(async (tx) => {
    const moved = await tx.approvalRequest.updateMany({ where: { id: row.id, status: "pending" }, data: { status: "void", decisionNote: "cancelled by the caller" } });
    if (moved.count !== 1) return;
    await appendAudit(tx, [
      {
        kind: "approval.voided",
        actor: `user:${row.userId}`,
        subject: row.userId,
        clientId: row.clientId,
        tool: row.toolName,
        decision: "deny",
        reason: `approval request ${row.id} for ${row.toolName} is void: the caller cancelled its task`,
        requestId: null,
        ip: null,
        detail: { approvalRequest: row.id, argsSha256: row.argsSha256 },
      },
    ]);
  });
}
