import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, userActor } from "@/lib/audit";
import { clearToolCondition } from "@/lib/conditions/clear-tool-condition";
import { setToolCondition } from "@/lib/conditions/set-tool-condition";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { previewPolicyChange, type ImpactSummary } from "@/lib/impact/preview-policy-change";
import { recordImpactDecision } from "@/lib/impact/record-impact-decision";
import { replayRecordedDecisions } from "@/lib/impact/replay-recorded-decisions";
import { applyPolicyChange } from "@/lib/impact/apply-policy-change";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { loadPrivilegeView } from "@/lib/privilege/privilege-view";
import { addRoleParent } from "@/lib/roles/add-role-parent";
import { setRoleScopes } from "@/lib/roles/set-role-scopes";
import { reactivateClient } from "@/lib/clients/reactivate-client";
import { setToolScope } from "@/lib/tools/set-tool-scope";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";
import { issueTestToken } from "@/test/support/mcp";

/**
 * Impact previews over calls made for real: through /mcp with the official v2 SDK client, each decision recorded by
 * the pipeline. Every change kind, conditions over arguments, refused changes (the same error as the save), and the
 * privilege rules.
 */
const RESOURCE = "http://localhost:3999/mcp";
const CONDITION = `args.client_id.startsWith("team-")`;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
const ids: Record<string, string> = {};
const clients: Client[] = [];

async function connect(userId: string, scopes: string[], clientId: string, allowedScopes?: string[]): Promise<Client> {
  const { token } = await issueTestToken({ userId, scopes, clientId, clientName: clientId, allowedScopes });
  const client = new Client({ name: "impact", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(RESOURCE), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: (url, init) => handleMcpRequest(new Request(url, init)),
    }),
  );
  clients.push(client);
  return client;
}

/** Makes a call; a refusal (403) is an outcome here, not a failure: its decision was recorded all the same. */
async function call(client: Client, name: string, args: Record<string, unknown> = {}, times = 1): Promise<void> {
  for (let i = 0; i < times; i += 1) await client.callTool({ name, arguments: args }).catch(() => undefined);
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

const preview = (change: unknown, actor = CLI_CONTEXT) => previewPolicyChange({ change }, actor);
const flipsOf = (summary: ImpactSummary, direction: "allowedToDenied" | "deniedToAllowed") =>
  summary.flips[direction].map((f) => `${f.user.email} ${f.client.name} ${f.tool} ×${f.count}`).sort();

beforeAll(async () => {
  database = await openTestDatabase();
  await syncTools();
  for (const [name, roles] of [["alice", ["editor"]], ["bob", ["reader"]], ["carol", ["developer"]], ["erin", ["iam_admin"]], ["rita", ["access_reviewer"]]] as const) {
    ids[name] = (await createUser({ email: `${name}@impact.test`, name, roles: [...roles] }, CLI_CONTEXT)).id;
  }
  const all = ["account:read", "clients:read", "clients:write", "policy:read"];
  const alice = await connect(ids.alice, all, "cursor");
  const aliceCli = await connect(ids.alice, ["clients:read"], "cli-agent", ["clients:read", "account:read"]);
  const bob = await connect(ids.bob, all, "cursor");
  const carol = await connect(ids.carol, all, "cursor");
  await call(alice, "approve_client", { client_id: "nobody" }, 3); // allowed (editor → clients:write)
  await call(alice, "list_clients", {}, 2); // allowed (editor → inherits reader → clients:read)
  await call(alice, "get_client", { client_id: "team-a" }, 2);
  await call(alice, "get_client", { client_id: "other" });
  await call(alice, "get_client", { client_id: `team-${"x".repeat(2040)}` }); // allowed; arguments too long to record
  await call(aliceCli, "list_clients", {}, 4);
  await call(bob, "list_clients", {}, 5); // allowed
  await call(bob, "approve_client", { client_id: "nobody" }, 2); // denied: reader lacks clients:write
  await call(carol, "list_clients", {}, 3); // denied: developer lacks clients:read
  await call(carol, "whoami", {}, 1); // allowed
}, 180_000); // five users, three SDK sessions and 24 calls through /mcp: slow on a busy machine
afterAll(async () => {
  for (const client of clients) await client.close();
  await database.close();
});

describe("previewing a change to a role's scopes", () => {
  it("removing clients:write from editor flips exactly alice's approve_client calls, and names the live grants and tools lost", async () => {
    const summary = await preview({ kind: "role_scopes", role: "editor", scopes: [] });
    expect(summary.changed).toBe(true);
    expect(flipsOf(summary, "allowedToDenied")).toEqual(["alice@impact.test cursor approve_client ×3"]);
    expect(flipsOf(summary, "deniedToAllowed")).toEqual([]);
    expect(summary.totals).toEqual({ allowedToDenied: 3, deniedToAllowed: 0 });
    const flip = summary.flips.allowedToDenied[0];
    expect(flip.currentReason).toBe("user alice@impact.test → role editor → scope clients:write → tool approve_client");
    expect(flip.proposedReason).toBe("denied: user alice@impact.test has no role granting clients:write");
    const newest = await db().auditEvent.findFirstOrThrow({ where: { tool: "approve_client", subject: ids.alice }, orderBy: { seq: "desc" } });
    expect(flip.example).toMatchObject({ seq: newest.seq.toString(), requestId: newest.requestId });
    // Every recorded tools/call decision was replayed: 3+2+2+1+1+4+5+2+3+1.
    expect(summary.replayed).toBe(24);
    expect(summary.unchanged.allowed + summary.unchanged.denied + 3).toBe(24);
    const aliceCursor = summary.grants.find((g) => g.user.email === "alice@impact.test" && g.client.id === "cursor");
    expect(aliceCursor).toMatchObject({ scopesLost: ["clients:write"], toolsLost: ["approve_client", "suspend_client"], toolsGained: [] });
    expect(summary.grants.map((g) => g.user.email)).toEqual(["alice@impact.test"]);
  });

  it("records the preview, and the decision that followed, as audit events", async () => {
    const summary = await preview({ kind: "role_scopes", role: "editor", scopes: [] });
    const event = await db().auditEvent.findUniqueOrThrow({ where: { seq: BigInt(summary.previewSeq) } });
    expect(event).toMatchObject({ kind: "impact.previewed", actor: "cli", detail: { totals: { allowedToDenied: 3, deniedToAllowed: 0 }, windowDays: 14 } });
    await recordImpactDecision({ previewSeq: summary.previewSeq, decision: "saved" }, CLI_CONTEXT);
    const saved = await db().auditEvent.findFirstOrThrow({ where: { kind: "impact.saved" }, orderBy: { seq: "desc" } });
    expect(saved.reason).toBe(`saw 3 flipped calls in impact preview ${summary.previewSeq} and saved the change`);
    expect(await failure(recordImpactDecision({ previewSeq: summary.previewSeq, decision: "saved" }, { actor: userActor(ids.erin) }))).toMatchObject({ code: "not_found" });
    expect(await failure(recordImpactDecision({ previewSeq: "x", decision: "saved" }, CLI_CONTEXT))).toMatchObject({ code: "invalid_input" });
  });

  it("reports no change, and replays nothing, when the role already has those scopes", async () => {
    const summary = await preview({ kind: "role_scopes", role: "editor", scopes: ["clients:write"] });
    expect(summary).toMatchObject({ changed: false, replayed: 0, totals: { allowedToDenied: 0, deniedToAllowed: 0 } });
  });

  it("refuses an unknown scope with the save's own error", async () => {
    const dry = await failure(preview({ kind: "role_scopes", role: "editor", scopes: ["nope:read"] }));
    const real = await failure(setRoleScopes("editor", ["nope:read"], CLI_CONTEXT));
    expect(dry).toEqual(real);
    expect(dry).toEqual({ code: "invalid_input", message: "Unknown scope: nope:read" });
    expect(await failure(preview({ kind: "role_scopes", role: "ghost", scopes: [] }))).toEqual({ code: "not_found", message: "Role ghost does not exist" });
  });

  it("refuses taking a built-in scope from iam_admin, as the save does", async () => {
    const dry = await failure(preview({ kind: "role_scopes", role: "iam_admin", scopes: ["account:read"] }));
    expect(dry).toEqual(await failure(setRoleScopes("iam_admin", ["account:read"], CLI_CONTEXT)));
    expect(dry.code).toBe("conflict");
  });
});

describe("previewing inheritance changes", () => {
  it("editor no longer inheriting reader flips alice's clients:read calls through both clients", async () => {
    const summary = await preview({ kind: "role_parent_remove", role: "editor", parent: "reader" });
    expect(flipsOf(summary, "allowedToDenied")).toEqual([
      "alice@impact.test cli-agent list_clients ×4",
      "alice@impact.test cursor get_client ×4",
      "alice@impact.test cursor list_clients ×2",
    ]);
  });

  it("a cycle is refused with the save's own error", async () => {
    const dry = await failure(preview({ kind: "role_parent_add", role: "reader", parent: "editor" }));
    expect(dry).toEqual(await failure(addRoleParent("reader", "editor", CLI_CONTEXT)));
    expect(dry).toEqual({ code: "role_cycle", message: "reader cannot inherit from editor: that would make a cycle (reader → editor → reader)" });
  });

  it("reader inheriting editor's sibling: adding a parent can only widen", async () => {
    const summary = await preview({ kind: "role_parent_add", role: "developer", parent: "reader" });
    expect(flipsOf(summary, "deniedToAllowed")).toEqual(["carol@impact.test cursor list_clients ×3"]);
    expect(summary.flips.deniedToAllowed[0].proposedReason).toBe("user carol@impact.test → role developer → inherits reader → scope clients:read → tool list_clients");
  });
});

describe("previewing a user's roles", () => {
  it("giving carol editor allows what she was denied", async () => {
    const summary = await preview({ kind: "user_role_add", userId: ids.carol, role: "editor" });
    expect(flipsOf(summary, "deniedToAllowed")).toEqual(["carol@impact.test cursor list_clients ×3"]);
    expect(summary.grants.find((g) => g.user.id === ids.carol)?.toolsGained).toEqual(expect.arrayContaining(["approve_client", "list_clients"]));
  });

  it("taking reader from bob denies his calls; an unknown user or role is refused", async () => {
    const summary = await preview({ kind: "user_role_remove", userId: ids.bob, role: "reader" });
    expect(flipsOf(summary, "allowedToDenied")).toEqual(["bob@impact.test cursor list_clients ×5"]);
    expect(await failure(preview({ kind: "user_role_add", userId: "ghost", role: "editor" }))).toEqual({ code: "not_found", message: "User not found" });
    expect(await failure(preview({ kind: "user_role_add", userId: ids.bob, role: "ghost" }))).toEqual({ code: "not_found", message: "Role ghost does not exist" });
  });

  it("the last enabled iam_admin cannot lose the role, in a preview either", async () => {
    const dry = await failure(preview({ kind: "user_role_remove", userId: ids.erin, role: "iam_admin" }));
    expect(dry.code).toBe("conflict");
  });
});

describe("previewing a tool's required scope", () => {
  it("moving list_clients to clients:write flips bob and alice's cli-agent, and no one else", async () => {
    const summary = await preview({ kind: "tool_scope", tool: "list_clients", scope: "clients:write" });
    expect(flipsOf(summary, "allowedToDenied")).toEqual(["alice@impact.test cli-agent list_clients ×4", "bob@impact.test cursor list_clients ×5"]);
    expect(summary.flips.allowedToDenied.find((f) => f.client.id === "cli-agent")?.proposedReason).toBe("user alice@impact.test → role editor → scope clients:write → denied: client cli-agent is not allowed clients:write");
    const dry = await failure(preview({ kind: "tool_scope", tool: "list_clients", scope: "nope:x" }));
    expect(dry).toEqual(await failure(setToolScope("list_clients", "nope:x", CLI_CONTEXT)));
  });
});

describe("previewing a client's allow-list and status", () => {
  it("taking clients:read from cli-agent flips its calls only", async () => {
    const summary = await preview({ kind: "client_scopes", clientId: "cli-agent", scopes: ["account:read"] });
    expect(flipsOf(summary, "allowedToDenied")).toEqual(["alice@impact.test cli-agent list_clients ×4"]);
    expect(summary.grants).toEqual([expect.objectContaining({ client: { id: "cli-agent", name: "cli-agent" }, scopesLost: ["clients:read"], toolsLost: ["get_client", "list_clients"] })]);
  });

  it("suspending cursor denies every call it was allowed; reactivating an active client is refused as the save refuses it", async () => {
    const summary = await preview({ kind: "client_status", clientId: "cursor", verb: "suspend" });
    expect(summary.totals.allowedToDenied).toBe(3 + 2 + 4 + 5 + 1);
    expect(summary.flips.allowedToDenied.every((f) => f.proposedReason === "denied: client cursor is suspended")).toBe(true);
    const dry = await failure(preview({ kind: "client_status", clientId: "cursor", verb: "reactivate" }));
    expect(dry).toEqual(await failure(reactivateClient("cursor", "why not", CLI_CONTEXT)));
  });
});

describe("previewing conditions", () => {
  it("replays a new condition over each call's recorded arguments", async () => {
    const summary = await preview({ kind: "condition_set", role: "reader", tool: "get_client", expression: CONDITION });
    expect(flipsOf(summary, "allowedToDenied")).toEqual(["alice@impact.test cursor get_client ×1"]);
    // The call whose arguments were too long to record cannot be judged: counted apart, never guessed.
    expect(summary.undetermined).toEqual({ argumentsNotRecorded: 1, externalRoles: 0 });
    expect(summary.replayed).toBe(23);
    expect(summary.flips.allowedToDenied[0].proposedReason).toBe(`user alice@impact.test → role editor → inherits reader → scope clients:read → tool get_client → condition "${CONDITION}" false`);
  });

  it("an expression that does not compile is refused as the save refuses it", async () => {
    const dry = await failure(preview({ kind: "condition_set", role: "reader", tool: "get_client", expression: "args.clientid == 1" }));
    expect(dry).toEqual(await failure(setToolCondition("reader", "get_client", "args.clientid == 1", CLI_CONTEXT)));
    expect(dry.code).toBe("invalid_input");
  });

  it("clearing a saved condition allows again what it denied; a condition reading `now` is replayed at each call's time", async () => {
    await setToolCondition("reader", "get_client", CONDITION, CLI_CONTEXT);
    const cleared = await preview({ kind: "condition_clear", role: "reader", tool: "get_client" });
    // alice's call with client_id "other" was recorded as allowed (before the condition), so against today's policy it
    // is denied, and clearing allows it.
    expect(flipsOf(cleared, "deniedToAllowed")).toEqual(["alice@impact.test cursor get_client ×1"]);
    const timed = await preview({ kind: "condition_set", role: "reader", tool: "get_client", expression: `now < timestamp("2000-01-01T00:00:00Z")` });
    expect(flipsOf(timed, "allowedToDenied")).toEqual(["alice@impact.test cursor get_client ×2"]);
    expect(timed.combinations).toBeGreaterThanOrEqual(3);
    await clearToolCondition("reader", "get_client", CLI_CONTEXT);
  });
});

describe("who may preview", () => {
  it("someone without the change's write scope is refused", async () => {
    expect(await failure(preview({ kind: "role_scopes", role: "editor", scopes: [] }, { actor: userActor(ids.rita) }))).toEqual({
      code: "forbidden",
      message: "You need the policy:write scope to preview this change.",
    });
    const denied = await db().auditEvent.findFirstOrThrow({ where: { kind: "console.denied" }, orderBy: { seq: "desc" } });
    expect(denied).toMatchObject({ actor: userActor(ids.rita), scopes: ["policy:write"], reason: "rita@impact.test lacks policy:write to preview role editor own scopes set to none" });
  });

  it("an admin previewing a change to a role they hold is refused by the same privilege rule as the save", async () => {
    const dry = await failure(preview({ kind: "role_scopes", role: "iam_admin", scopes: [] }, { actor: userActor(ids.erin) }));
    expect(dry).toEqual(await failure(setRoleScopes("iam_admin", [], { actor: userActor(ids.erin) })));
    expect(dry.code).toBe("privilege_escalation");
  });

  it("refuses a malformed change or window", async () => {
    expect(await failure(preview({ kind: "drop_tables" }))).toMatchObject({ code: "invalid_input", message: expect.stringContaining("kind must be one of") });
    expect(await failure(previewPolicyChange({ change: { kind: "role_scopes", role: "editor", scopes: [] }, windowDays: 0 }, CLI_CONTEXT))).toMatchObject({ code: "invalid_input", message: expect.stringContaining("at least 1 day") });
    expect(await failure(previewPolicyChange({ change: { kind: "role_scopes", role: "editor", scopes: [] }, windowDays: "abc" }, CLI_CONTEXT))).toMatchObject({ code: "invalid_input" });
  });
});

describe("the replay", () => {
  it("gives the same answer whatever the batch size (keyset batches, counts merged)", async () => {
    const current = await policySnapshot();
    const view = await loadPrivilegeView(db() as never);
    const { proposed } = await applyPolicyChange(db(), current, { kind: "tool_scope", tool: "list_clients", scope: "clients:write" }, { view, actor: await view.actor("cli") });
    const since = new Date(Date.now() - 86_400_000);
    const whole = await replayRecordedDecisions(db(), current, proposed, { since });
    const progress: number[] = [];
    const small = await replayRecordedDecisions(db(), current, proposed, { since, batch: 3, onProgress: (p) => progress.push(p.fraction) });
    expect(small).toEqual(whole);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(1);
    expect(await replayRecordedDecisions(db(), current, proposed, { since: new Date(Date.now() + 60_000) })).toMatchObject({ replayed: 0, flips: [] });
  });
});
