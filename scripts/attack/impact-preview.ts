import { db } from "@/lib/db/client";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import type { Browser, Reply } from "./http";

/**
 * The impact preview (POST /impact/preview) and the save/cancel that follows it: callers without the change's scope,
 * unknown roles, tools and clients, bad windows and malformed bodies, changes the save would refuse (a cycle, an
 * unknown scope, a privilege rule), cross-site posts, and a decision recorded against someone else's preview. Every
 * refusal is a clear JSON error with its status before any replay runs, and no policy changes.
 */
export function attacks({ fx }: AttackDeps): AttackArea {
  /** What a preview must never change: role scopes and parents, user roles, tool scopes, clients' status and allow-lists, conditions. */
  const policyVersion = async () => {
    const database = db();
    const [roleScopes, parents, userRoles, tools, clients, conditions] = await Promise.all([
      database.roleScope.findMany({ orderBy: [{ roleId: "asc" }, { scopeName: "asc" }] }),
      database.roleParent.findMany({ orderBy: [{ roleId: "asc" }, { parentId: "asc" }] }),
      database.userRole.findMany({ orderBy: [{ userId: "asc" }, { roleId: "asc" }] }),
      database.tool.findMany({ select: { name: true, requiredScope: true }, orderBy: { name: "asc" } }),
      database.client.findMany({ select: { id: true, status: true, allowedScopes: true }, orderBy: { id: "asc" } }),
      database.toolCondition.findMany({ select: { roleId: true, toolName: true, expression: true }, orderBy: [{ roleId: "asc" }, { toolName: "asc" }] }),
    ]);
    return JSON.stringify({ roleScopes, parents, userRoles: userRoles.map((u) => [u.userId, u.roleId]), tools, clients, conditions });
  };
  const previewsRecorded = () => db().auditEvent.count({ where: { kind: "impact.previewed" } });

  const post = (browser: Browser, body: string, headers: Record<string, string> = {}): Promise<Reply> =>
    browser.request("/impact/preview", { method: "POST", body, headers: { "content-type": "application/json", origin: browser.base, ...headers } });

  /** A refused preview: the status and code expected, a message matching, and neither a preview nor a policy change. */
  const refused = async (browser: Browser, body: unknown, status: number, code: string, message: RegExp, headers: Record<string, string> = {}) => {
    const [version, previews] = [await policyVersion(), await previewsRecorded()];
    const reply = await post(browser, typeof body === "string" ? body : JSON.stringify(body), headers);
    const json = reply.json<{ error?: string; message?: string }>();
    demand(reply.status === status && json?.error === code && message.test(json?.message ?? ""), `expected ${status} ${code} ${message}, got ${reply}`);
    demand(!/\bat .+\.(ts|js):\d+/.test(reply.text), "the answer carries a stack trace");
    const after = await policyVersion();
    if (after !== version) {
      const [a, b] = [JSON.parse(version) as Record<string, unknown>, JSON.parse(after) as Record<string, unknown>];
      // Clients register and are approved on the suite's own schedule (its fixtures): only a client that existed before
      // and changed counts.
      // A pending one may be approved by the fixtures meanwhile; no preview can approve a client.
      const clientsBefore = new Map((a.clients as Array<{ id: string; status: string }>).filter((c) => c.status !== "pending").map((c) => [c.id, JSON.stringify(c)]));
      const changedClients = (b.clients as Array<{ id: string }>).filter((c) => clientsBefore.has(c.id) && clientsBefore.get(c.id) !== JSON.stringify(c));
      const changed = Object.keys(a).filter((k) => k !== "clients" && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      if (changedClients.length > 0) changed.push(`clients ${changedClients.map((c) => c.id).join(", ")}`);
      demand(changed.length === 0, `the policy changed: ${changed.join(", ")}`);
    }
    demand((await previewsRecorded()) === previews, "a preview was recorded");
  };

  const roleScopes = (role: string, scopes: string[]) => ({ change: { kind: "role_scopes", role, scopes } });

  return {
    name: "Impact preview",
    cases: [
      attack("reviewer (policy:read, no policy:write) previews a change to a role", "403 forbidden, no preview", () =>
        refused(fx.reviewer, roleScopes("editor", []), 403, "forbidden", /need the policy:write scope/),
      ),
      attack("developer previews giving themselves a role", "403 forbidden (users:write and audit:read needed)", () =>
        refused(fx.developer, { change: { kind: "user_role_add", userId: fx.users.developer.id, role: "iam_admin" } }, 403, "forbidden", /users:write and audit:read/),
      ),
      attack("admin previews a change to a role they hold (iam_admin)", "403 privilege_escalation, as the save", () =>
        refused(fx.admin, roleScopes("iam_admin", ["account:read"]), 403, "privilege_escalation", /you hold it/),
      ),
      attack("admin previews an unknown role", "404 not_found", () => refused(fx.admin, roleScopes("no_such_role", []), 404, "not_found", /^Role no_such_role does not exist$/)),
      attack("admin previews an unknown scope", "400 invalid_input, the save's message", () =>
        refused(fx.admin, roleScopes("editor", ["nope:read"]), 400, "invalid_input", /^Unknown scope: nope:read$/),
      ),
      attack("admin previews a cycle (reader inherits editor)", "409 role_cycle, the save's message", () =>
        refused(fx.admin, { change: { kind: "role_parent_add", role: "reader", parent: "editor" } }, 409, "role_cycle", /that would make a cycle \(reader → editor → reader\)/),
      ),
      attack("admin previews an unknown tool and an unknown client", "404 not_found", async () => {
        await refused(fx.admin, { change: { kind: "tool_scope", tool: "drop_tables", scope: "clients:read" } }, 404, "not_found", /Tool drop_tables does not exist/);
        await refused(fx.admin, { change: { kind: "client_status", clientId: "no-such-client", verb: "suspend" } }, 404, "not_found", /No client no-such-client/);
      }),
      attack("admin previews a condition that does not compile", "400 invalid_input with its position", () =>
        refused(fx.admin, { change: { kind: "condition_set", role: "reader", tool: "get_client", expression: "args.client_id ==" } }, 400, "invalid_input", /^Condition refused at line 1, column \d+/),
      ),
      attack("admin previews with windows of 0, 1000 and 'abc' days", "400 invalid_input each time", async () => {
        await refused(fx.admin, { ...roleScopes("editor", []), windowDays: 0 }, 400, "invalid_input", /at least 1 day/);
        await refused(fx.admin, { ...roleScopes("editor", []), windowDays: 1000 }, 400, "invalid_input", /at most 365 days/);
        await refused(fx.admin, { ...roleScopes("editor", []), windowDays: "abc" }, 400, "invalid_input", /number of days/);
      }),
      attack("admin previews an unknown kind of change, a body that is not JSON, and one over 64 KiB", "400/400/413 invalid_input", async () => {
        await refused(fx.admin, { change: { kind: "drop_tables" } }, 400, "invalid_input", /kind must be one of/);
        await refused(fx.admin, "{not json", 400, "invalid_input", /not valid JSON/);
        await refused(fx.admin, JSON.stringify(roleScopes("editor", Array.from({ length: 9000 }, (_, i) => `scope:${i}`))), 413, "invalid_input", /too large/);
      }),
      attack("a cross-site page posts a preview with the admin's cookies", "403 cross_site_request", async () => {
        const reply = await post(fx.admin, JSON.stringify(roleScopes("editor", [])), { origin: "https://evil.example" });
        demand(reply.status === 403 && reply.json()?.error === "cross_site_request", `expected 403 cross_site_request, got ${reply}`);
      }),
      attack("admin's valid preview streams and changes nothing; another user records a decision on it", "the summary, then not_found", async () => {
        const version = await policyVersion();
        const reply = await post(fx.admin, JSON.stringify(roleScopes("editor", [])));
        const lines = reply.text.trim().split("\n").map((l) => JSON.parse(l) as { type: string; summary?: { previewSeq: string; changed: boolean } });
        const result = lines.find((l) => l.type === "result");
        demand(reply.status === 200 && lines[0]?.type === "started" && result?.summary?.changed === true, `expected a streamed summary, got ${reply}`);
        demand((await policyVersion()) === version, "a preview changed the policy");
        const { recordImpactDecision } = await import("@/lib/impact/record-impact-decision");
        const error = await recordImpactDecision({ previewSeq: result!.summary!.previewSeq, decision: "saved" }, { actor: `user:${fx.users.reviewer.id}` }).then(
          () => null,
          (e: Error & { code?: string }) => e,
        );
        demand(error?.code === "not_found", `a decision was recorded on another user's preview (${error?.message ?? "accepted"})`);
      }),
    ],
  };
}
