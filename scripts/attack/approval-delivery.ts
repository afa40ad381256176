import type { AttackDeps } from "./deps";
import { withToolApproval } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectJsonRpcError, send, type Reply } from "./http";

const MODERN = "2026-07-28";
const TASKS = "io.modelcontextprotocol/tasks";
const envelope = (capabilities: Record<string, unknown> = {}) => ({
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": capabilities,
  "io.modelcontextprotocol/clientInfo": { name: "attacker", version: "1" },
});

/**
 * How a held call's caller waits (tasks extension, URL elicitation), and the settings around approvals: a task is read
 * back only by its caller and only by a client that declared the extension; a requestState naming another request
 * tells nothing and runs nothing; the notification webhook follows the sinks' SSRF rules; approval settings, the
 * webhook and audit sinks are refused to console users without the scope, in lib/ (not only in the page).
 */
export function attacks({ fx }: AttackDeps): AttackArea {
  const CLI = { actor: "cli", ip: null, requestId: null };
  const asDeveloper = () => ({ actor: `user:${fx.users.developer.id}`, ip: null, requestId: null });

  const post = (token: string, method: string, params: Record<string, unknown>, name: string): Promise<Reply> =>
    send(`${fx.base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": MODERN, "mcp-method": method, "mcp-name": name, authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 3, method, params }),
    });
  const callWhoami = (token: string, capabilities: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    post(token, "tools/call", { name: "whoami", arguments: {}, ...extra, _meta: envelope(capabilities) }, "whoami");
  const tasksGet = (token: string, taskId: string, declare = true) => post(token, "tasks/get", { taskId, _meta: envelope(declare ? { extensions: { [TASKS]: {} } } : {}) }, taskId);

  /** Runs a case with calls to whoami needing approval, removing it afterwards. */
  const withApproval = (body: () => Promise<void>) => withToolApproval("whoami", "access_reviewer", body);
  const heldTask = async (token: string): Promise<string> => {
    const reply = await callWhoami(token, { extensions: { [TASKS]: {} } });
    const result = reply.json<{ result?: { resultType?: string; taskId?: string } }>()?.result;
    demand(reply.status === 200 && result?.resultType === "task" && result.taskId, `control: the held call did not become a task: ${reply}`);
    return result!.taskId!;
  };
  const refused = async (work: () => Promise<unknown>, code: string, mentions?: RegExp) => {
    const outcome = await work().then(() => null, (error: { code?: string; message?: string }) => error);
    demand(outcome !== null, "it was accepted");
    demand(outcome!.code === code && (!mentions || mentions.test(outcome!.message ?? "")), `expected ${code}${mentions ? ` matching ${mentions}` : ""}, got ${outcome!.code}: ${outcome!.message}`);
  };

  return {
    name: "Approval delivery",
    cases: [
      attack("reading another caller's task (tasks/get with a task id from someone else's held call)", "JSON-RPC -32602 Task not found; nothing about it told", () =>
        withApproval(async () => {
          const mine = await fx.freshTokens("account:read");
          const taskId = await heldTask(mine.access_token);
          const theirs = await fx.serviceToken();
          const error = expectJsonRpcError(await tasksGet(theirs.access_token, taskId), 200, -32602);
          demand(error.message === "Failed to retrieve task: Task not found", `expected Task not found, got ${error.message}`);
        }),
      ),
      attack("tasks/get from a client that did not declare the tasks extension", "JSON-RPC -32021 naming the extension", () =>
        withApproval(async () => {
          const mine = await fx.freshTokens("account:read");
          const taskId = await heldTask(mine.access_token);
          const reply = await tasksGet(mine.access_token, taskId, false);
          const error = expectJsonRpcError(reply, 400, -32021);
          demand(JSON.stringify(error).includes(TASKS), `the error does not name the extension: ${reply}`);
        }),
      ),
      attack("tasks/get with a task id that is not one", "JSON-RPC -32602, never a 500", async () => {
        const mine = await fx.freshTokens("account:read");
        expectJsonRpcError(await tasksGet(mine.access_token, "../../etc/passwd"), 200, -32602);
      }),
      attack("a retried call whose requestState names an approved request for other arguments", "held as its own request: the other approval is neither used nor told about", () =>
        withApproval(async () => {
          const mine = await fx.freshTokens("account:read");
          const approved = await heldTask(mine.access_token);
          const { decideApproval } = await import("@/lib/approvals/decide-approval");
          await decideApproval(approved, "approve", CLI);
          const reply = await callWhoami(mine.access_token, { elicitation: { url: {} } }, { arguments: { other: true }, inputResponses: { portcullis_approval: { action: "accept" } }, requestState: approved });
          const result = reply.json<{ result?: { resultType?: string; requestState?: string } }>()?.result;
          demand(reply.status === 200 && result?.resultType === "input_required" && result.requestState !== approved, `expected a new held request (input_required), got ${reply}`);
          const { db } = await import("@/lib/db/client");
          const row = await db().approvalRequest.findUniqueOrThrow({ where: { id: approved } });
          demand(row.status === "approved", `the other call's approval was ${row.status}`);
        }),
      ),
      attack("an approvals webhook over plain http to a public host", "invalid_input naming https", () => refused(async () => (await import("@/lib/approvals/set-approval-webhook")).setApprovalWebhook("http://hooks.example.com/services/x", false, CLI), "invalid_input", /https/)),
      attack("an approvals webhook at a private address without the allowance", "invalid_input naming the private address", () => refused(async () => (await import("@/lib/approvals/set-approval-webhook")).setApprovalWebhook("https://10.0.0.7/hook", false, CLI), "invalid_input", /private/)),
      attack("an approvals webhook with credentials in the URL", "invalid_input", () => refused(async () => (await import("@/lib/approvals/set-approval-webhook")).setApprovalWebhook("https://user:secret@hooks.example.com/x", false, CLI), "invalid_input", /user name or password/)),
      attack("a console user without settings:write sets the approvals webhook", "forbidden, in lib/", () => refused(async () => (await import("@/lib/approvals/set-approval-webhook")).setApprovalWebhook("https://hooks.example.com/x", false, asDeveloper()), "forbidden")),
      attack("a console user without policy:write marks a tool approval-required or unmasks it", "forbidden, in lib/", () => refused(async () => (await import("@/lib/approvals/set-tool-approval")).setToolApproval("whoami", ["developer"], 900, asDeveloper(), []), "forbidden")),
      attack("a masked-field path that is not a field path", "invalid_input", () => refused(async () => (await import("@/lib/approvals/set-tool-approval")).setToolApproval("whoami", ["access_reviewer"], 900, CLI, ["a[0]"]), "invalid_input", /dot path/)),
      attack("a console user without settings:write adds, tests or removes an audit sink", "forbidden, in lib/, nothing added", async () => {
        const sinks = await import("@/lib/sinks");
        await refused(() => sinks.addAuditSink({ name: "attack-sink", kind: "webhook", endpoint: "https://siem.example.com/x" }, asDeveloper()), "forbidden");
        await refused(() => sinks.testAuditSink("attack-sink", asDeveloper()), "forbidden");
        await refused(() => sinks.removeAuditSink("attack-sink", asDeveloper()), "forbidden");
      }),
    ],
  };
}
