import { describe, expect, it } from "vitest";
import { allowedTools, decide } from "@/lib/policy/decide";
import { snapshotOf } from "@/test/support/policy";

const policy = {
  roles: {
    support: { scopes: ["issues:write"] },
    lead: { parents: ["support"], scopes: [] as string[] },
    maintainer: { scopes: ["issues:write"] },
  },
  users: { alice: { roles: ["support"] }, bob: { roles: ["support", "maintainer"] }, carol: { roles: ["lead"] } },
  clients: { cursor: { allowedScopes: ["issues:write"] } },
  tools: { "github.create_issue": "issues:write" },
  conditions: { "github.create_issue": { support: `args.repo.startsWith("acme/support-") && args.state != "deleted"` } },
};
const call = (userId: string, args: Record<string, unknown> | undefined) =>
  decide(snapshotOf(policy), { userId, clientId: "cursor", tokenScopes: ["issues:write"], tool: "github.create_issue", args });

describe("decide with conditions on a role's permission to use a tool", () => {
  it("allows a call whose arguments meet the condition, the condition a link of the reason path", () => {
    const decision = call("alice", { repo: "acme/support-web", state: "open" });
    expect(decision).toMatchObject({ allow: true, failedCheck: null });
    expect(decision.reason).toBe(
      `user alice@example.test → role support → scope issues:write → tool github.create_issue → condition "args.repo.startsWith("acme/support-") && args.state != "deleted"" true`,
    );
  });

  it("denies a call whose arguments do not, with its own failed check and link", () => {
    const decision = call("alice", { repo: "acme/payments", state: "open" });
    expect(decision).toMatchObject({ allow: false, failedCheck: "condition" });
    expect(decision.reason).toBe(
      `user alice@example.test → role support → scope issues:write → tool github.create_issue → condition "args.repo.startsWith("acme/support-") && args.state != "deleted"" false`,
    );
  });

  it("denies when evaluation fails (a missing argument), saying why: fail closed", () => {
    const decision = call("alice", { state: "open" });
    expect(decision).toMatchObject({ allow: false, failedCheck: "condition" });
    expect(decision.reason).toContain("failed: evaluation failed: field not found: repo");
  });

  it("lets any route that allows win: another role without the condition allows", () => {
    expect(call("bob", { repo: "acme/payments", state: "open" })).toMatchObject({ allow: true });
    expect(call("bob", { repo: "acme/payments" }).reason).toBe("user bob@example.test → role maintainer → scope issues:write → tool github.create_issue");
  });

  it("carries the condition to roles inheriting the restricted role", () => {
    expect(call("carol", { repo: "acme/payments", state: "open" })).toMatchObject({ allow: false, failedCheck: "condition" });
    expect(call("carol", { repo: "acme/support-1", state: "open" }).reason).toContain("role lead → inherits support → scope issues:write");
  });

  it("does not judge conditions without arguments: the tool is listed", () => {
    expect(call("alice", undefined)).toMatchObject({ allow: true });
    expect(allowedTools(snapshotOf(policy), { userId: "alice", clientId: "cursor", tokenScopes: ["issues:write"] })).toEqual(["github.create_issue"]);
  });

  it("reports a missing token scope before any condition (step-up can cure it)", () => {
    const decision = decide(snapshotOf(policy), { userId: "alice", clientId: "cursor", tokenScopes: [], tool: "github.create_issue", args: { repo: "x" } });
    expect(decision).toMatchObject({ allow: false, failedCheck: "token_scope" });
  });

  it("denies when the condition's evaluation exceeds its cost limit", () => {
    const heavy = {
      ...policy,
      conditions: { "github.create_issue": { support: `args.items.all(a, args.items.all(b, args.items.all(c, a != "zz")))` } },
    };
    const items = Array.from({ length: 50 }, (_, i) => `i${i}`);
    const decision = decide(snapshotOf(heavy), { userId: "alice", clientId: "cursor", tokenScopes: ["issues:write"], tool: "github.create_issue", args: { items } });
    expect(decision).toMatchObject({ allow: false, failedCheck: "condition" });
    expect(decision.reason).toContain("evaluation exceeded its cost limit");
  });

  it("sees user, client, tool and now", () => {
    const context = {
      ...policy,
      conditions: {
        "github.create_issue": {
          support: `user.email == "alice@example.test" && "support" in user.roles && client.id == "cursor" && tool.server == "github" && tool.name == "github.create_issue" && now > timestamp("2020-01-01T00:00:00Z")`,
        },
      },
    };
    expect(decide(snapshotOf(context), { userId: "alice", clientId: "cursor", tokenScopes: ["issues:write"], tool: "github.create_issue", args: {} })).toMatchObject({ allow: true });
  });
});
