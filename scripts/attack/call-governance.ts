import type { AttackDeps } from "./deps";
import { basic, tokenRequest, withToolApproval } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectBearerRefusal, expectJsonRpcError, send, type Reply } from "./http";

/**
 * Call-time governance (DESIGN §11): CEL conditions refused when they cannot be trusted to mean what they say, a
 * condition that would run away denied rather than waited for, and the AuthZEN decision endpoint refusing callers that
 * are not enforcement points and bodies that are not requests — each refusal exactly as promised, never a 500.
 */
export function attacks({ fx }: AttackDeps): AttackArea {
  const conditions = () => import("@/lib/conditions/set-tool-condition");
  const clearing = () => import("@/lib/conditions/clear-tool-condition");
  const CLI = { actor: "cli" };

  /** Saving must be refused as invalid input, naming the line and column, and nothing saved. */
  const refusedAtSave = (name: string, expression: string, mentions: RegExp) =>
    attack(name, "refused at save: invalid_input with line and column, nothing saved", async () => {
      const { setToolCondition } = await conditions();
      const outcome = await setToolCondition("developer", "whoami", expression, CLI).then(
        () => null,
        (error: { code?: string; message?: string }) => error,
      );
      if (outcome === null) {
        await (await clearing()).clearToolCondition("developer", "whoami", CLI).catch(() => {});
        demand(false, `the condition ${JSON.stringify(expression.slice(0, 80))} was saved`);
      }
      demand(outcome!.code === "invalid_input" && /at line \d+, column \d+/.test(outcome!.message ?? "") && mentions.test(outcome!.message ?? ""), `expected invalid_input with a position matching ${mentions}, got ${outcome!.code}: ${outcome!.message}`);
    });

  const whoami = (token: string) =>
    send(`${fx.base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25", authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } }),
    });

  /** Runs a case with a condition on the developer's use of whoami in force at the server, removing it afterwards. */
  const withCondition = async (expression: string, body: () => Promise<void>) => {
    const { setToolCondition } = await conditions();
    await setToolCondition("developer", "whoami", expression, CLI);
    try {
      // The server sees a change made by another process through its change watcher (about a second).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await body();
    } finally {
      await (await clearing()).clearToolCondition("developer", "whoami", CLI);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
  };

  const ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
  const RUNAWAY = `${ten}.all(a, ${ten}.all(b, ${ten}.all(c, ${ten}.all(d, a + b + c + d > 0))))`;

  // A token of an enforcement point: the service identity given the enforcement_point role, its client allowed pdp:evaluate.
  let pdp: Promise<string> | undefined;
  const pdpToken = () =>
    (pdp ??= (async () => {
      const { assignRole } = await import("@/lib/users/assign-role");
      const { updateClientScopes } = await import("@/lib/clients/update-client-scopes");
      await assignRole(fx.users.service.id, "enforcement_point", CLI).catch(() => {});
      await updateClientScopes(fx.clients.service.id, ["pdp:evaluate", "audit:read", "clients:read"], CLI, "attack suite: an enforcement point");
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const reply = await tokenRequest(fx, { grant_type: "client_credentials", scope: "pdp:evaluate" }, { authorization: basic(fx.clients.service.id, fx.clients.service.secret!) });
      demand(reply.status === 200, `control: an enforcement point could not get a pdp:evaluate token: ${reply}`);
      return reply.json()!.access_token as string;
    })());
  const evaluation = { subject: { type: "user", id: "developer@attack.test" }, action: { name: "call" }, resource: { type: "tool", id: "whoami" }, context: { client: fx.clients.app.id } };
  const ask = (path: "evaluation" | "evaluations", body: string, headers: Record<string, string>): Promise<Reply> =>
    send(`${fx.base}/access/v1/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const badRequest = (name: string, path: "evaluation" | "evaluations", body: () => string, contentType = "application/json") =>
    attack(name, "400 with an error message, never a 500", async () => {
      const token = await pdpToken();
      const reply = await ask(path, body(), { authorization: `Bearer ${token}`, "content-type": contentType });
      demand(reply.status === 400 && /^Bad request/.test(reply.text), `expected 400 Bad request, got ${reply}`);
    });

  /** Runs a case with calls to whoami needing approval by a developer (so the caller holds the approver role too). */
  const withApproval = (body: () => Promise<void>) => withToolApproval("whoami", "developer", body);
  const heldRequest = (reply: Reply): string => {
    const result = reply.json<{ result?: { isError?: boolean; structuredContent?: { approval_request?: string } } }>()?.result;
    demand(reply.status === 200 && result?.isError === true && result.structuredContent?.approval_request, `expected the call to be held with a request id, got ${reply}`);
    return result!.structuredContent!.approval_request!;
  };
  const callWhoami = (token: string, args: Record<string, unknown> = {}) =>
    send(`${fx.base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25", authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "whoami", arguments: args } }),
    });

  return {
    name: "Call-time governance",
    cases: [
      refusedAtSave("a condition that does not parse", `user.email == "a" &&`, /syntax error/),
      refusedAtSave("a condition that is not a boolean", `user.email`, /must return a boolean/),
      refusedAtSave("a condition naming a field the tool's arguments do not have", `args.admin == true`, /unknown field 'admin' of args/),
      refusedAtSave("a condition naming a field the context does not have", `user.password == "x"`, /unknown field 'password' of user/),
      refusedAtSave("a condition calling a function that does not exist", `exec("id") == ""`, /undeclared function 'exec'/),
      refusedAtSave("a condition calling the evaluation budget's own hook", `portcullis_within_budget()`, /undeclared function/),
      refusedAtSave("a condition longer than 2000 characters", `user.email == "${"x".repeat(2100)}"`, /longer than 2000 characters/),
      attack("a condition that runs away (10⁴ nested iterations) is cut off and the call denied", "403 naming the cost limit, answered promptly, no 500", () =>
        withCondition(RUNAWAY, async () => {
          const tokens = await fx.freshTokens("account:read");
          const started = Date.now();
          const reply = await whoami(tokens.access_token);
          const error = expectJsonRpcError(reply, 403, -32011);
          demand(/cost limit/.test(error.message), `expected the denial to name the cost limit, got ${reply}`);
          demand(Date.now() - started < 5_000, `the denial took ${Date.now() - started} ms`);
        }),
      ),
      attack("a call whose condition is false is refused without a step-up challenge", "403, no WWW-Authenticate, check condition", () =>
        withCondition(`user.email == "someone-else@attack.test"`, async () => {
          const tokens = await fx.freshTokens("account:read");
          const reply = await whoami(tokens.access_token);
          expectJsonRpcError(reply, 403, -32011);
          demand(reply.headers.get("www-authenticate") === null, `a condition's denial offered a challenge: ${reply.headers.get("www-authenticate")}`);
          demand((reply.json()?.error as { data?: { check?: string } })?.data?.check === "condition", `expected check condition, got ${reply}`);
        }),
      ),
      attack("approving one's own held call (the caller holds the approver role)", "forbidden: never one's own call; the call stays held", () =>
        withApproval(async () => {
          const tokens = await fx.freshTokens("account:read");
          const id = heldRequest(await callWhoami(tokens.access_token));
          const { decideApproval } = await import("@/lib/approvals/decide-approval");
          const outcome = await decideApproval(id, "approve", { actor: `user:${fx.users.developer.id}`, ip: null, requestId: null }).then(() => null, (error: { code?: string }) => error);
          demand(outcome?.code === "forbidden", `self-approval was not refused: ${JSON.stringify(outcome)}`);
          heldRequest(await callWhoami(tokens.access_token));
        }),
      ),
      attack("replaying an approved call, and the same approval for other arguments", "runs once; the replay and the changed call are held", () =>
        withApproval(async () => {
          const tokens = await fx.freshTokens("account:read");
          const id = heldRequest(await callWhoami(tokens.access_token));
          const { decideApproval } = await import("@/lib/approvals/decide-approval");
          // Approved by the operator (the CLI), who is not the caller.
          await decideApproval(id, "approve", CLI);
          const changed = await callWhoami(tokens.access_token, { as: "admin" });
          demand(heldRequest(changed) !== id, `a call with other arguments used the approval: ${changed}`);
          const ran = await callWhoami(tokens.access_token);
          demand(ran.status === 200 && ran.json<{ result?: { isError?: boolean } }>()?.result?.isError !== true, `control: the approved call did not run: ${ran}`);
          const replay = await callWhoami(tokens.access_token);
          demand(heldRequest(replay) !== id, `the approval was used twice: ${replay}`);
        }),
      ),
      attack("AuthZEN permit for a call that needs approval", "200 decision false, failed_check approval_required", () =>
        withApproval(async () => {
          const token = await pdpToken();
          const reply = await ask("evaluation", JSON.stringify(evaluation), { authorization: `Bearer ${token}` });
          const body = reply.json<{ decision?: boolean; context?: { failed_check?: string } }>();
          demand(reply.status === 200 && body?.decision === false && body.context?.failed_check === "approval_required", `expected decision false (approval required), got ${reply}`);
        }),
      ),
      attack("AuthZEN evaluation without a token", "401 with a Bearer challenge", async () => {
        expectBearerRefusal(await ask("evaluation", JSON.stringify(evaluation), {}), null);
      }),
      attack("AuthZEN evaluation with a forged token", "401 invalid_token", async () => {
        expectBearerRefusal(await ask("evaluation", JSON.stringify(evaluation), { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." }), "invalid_token");
      }),
      attack("AuthZEN evaluations with an ordinary MCP token (no pdp:evaluate)", "403 insufficient_scope naming pdp:evaluate", async () => {
        const tokens = await fx.freshTokens("account:read");
        const reply = await ask("evaluations", JSON.stringify(evaluation), { authorization: `Bearer ${tokens.access_token}` });
        const challenge = reply.headers.get("www-authenticate") ?? "";
        demand(reply.status === 403 && challenge.includes('error="insufficient_scope"') && challenge.includes('scope="pdp:evaluate"'), `expected 403 insufficient_scope, got ${reply} (${challenge})`);
      }),
      badRequest("AuthZEN evaluation whose body is not JSON", "evaluation", () => "{"),
      badRequest("AuthZEN evaluation whose body is a JSON array", "evaluation", () => "[]"),
      badRequest("AuthZEN evaluation without a subject", "evaluation", () => JSON.stringify({ ...evaluation, subject: undefined })),
      badRequest("AuthZEN evaluation with a resource id that is an object", "evaluation", () => JSON.stringify({ ...evaluation, resource: { type: "tool", id: { $ne: null } } })),
      badRequest("AuthZEN evaluation sent as text/plain", "evaluation", () => JSON.stringify(evaluation), "text/plain"),
      badRequest("AuthZEN evaluations with an unknown semantic", "evaluations", () => JSON.stringify({ ...evaluation, options: { evaluations_semantic: "permit_always" }, evaluations: [{}] })),
      badRequest("AuthZEN evaluations with 10 000 entries", "evaluations", () => JSON.stringify({ ...evaluation, evaluations: Array.from({ length: 10_000 }, () => ({})) })),
      badRequest("AuthZEN evaluations with an entry lacking a subject and no default", "evaluations", () => JSON.stringify({ evaluations: [{ action: evaluation.action, resource: evaluation.resource }] })),
      badRequest("AuthZEN evaluation with a 1 MiB body", "evaluation", () => JSON.stringify({ ...evaluation, context: { ...evaluation.context, pad: "x".repeat(1024 * 1024) } })),
      attack("AuthZEN evaluation asking about a tool with a condition, without the arguments that satisfy it", "200 decision false, failed_check condition", () =>
        withCondition(`user.email == "someone-else@attack.test"`, async () => {
          const token = await pdpToken();
          const reply = await ask("evaluation", JSON.stringify(evaluation), { authorization: `Bearer ${token}` });
          const body = reply.json<{ decision?: boolean; context?: { failed_check?: string } }>();
          demand(reply.status === 200 && body?.decision === false && body.context?.failed_check === "condition", `expected decision false by condition, got ${reply}`);
        }),
      ),
    ],
  };
}
