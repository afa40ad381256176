import { describe, expect, it } from "vitest";
import { allowedTools, decide } from "@/lib/policy/decide";
import { snapshotOf } from "@/test/support/policy";

const base = {
  roles: {
    reader: { scopes: ["clients:read"] },
    editor: { parents: ["reader"], scopes: ["clients:write"] },
  },
  users: { alice: { roles: ["editor"] }, bob: { roles: ["reader"] } },
  clients: { cursor: { allowedScopes: ["clients:read", "clients:write"] } },
  tools: { list_clients: "clients:read", approve_client: "clients:write" },
};
const request = { userId: "alice", clientId: "cursor", tokenScopes: ["clients:read", "clients:write"], tool: "list_clients" };

describe("decide", () => {
  it("allows when token, user and client all carry the tool's scope, with the full reason path", () => {
    const decision = decide(snapshotOf(base), request);
    expect(decision.allow).toBe(true);
    expect(decision.reason).toBe(
      "user alice@example.test → role editor → inherits reader → scope clients:read → tool list_clients",
    );
  });

  it("denies an unknown tool", () => {
    const decision = decide(snapshotOf(base), { ...request, tool: "drop_tables" });
    expect(decision).toMatchObject({ allow: false, failedCheck: "tool_exists", reason: "tool drop_tables does not exist" });
  });

  it.each([
    ["pending", "client cursor is pending"],
    ["suspended", "client cursor is suspended"],
    ["rejected", "client cursor is rejected"],
  ] as const)("denies a %s client", (status, why) => {
    const snapshot = snapshotOf({ ...base, clients: { cursor: { status, allowedScopes: ["clients:read"] } } });
    expect(decide(snapshot, request)).toMatchObject({ allow: false, failedCheck: "client_active", reason: `denied: ${why}` });
  });

  it("denies an unregistered client", () => {
    expect(decide(snapshotOf(base), { ...request, clientId: "ghost" })).toMatchObject({ failedCheck: "client_active" });
  });

  it("denies a disabled user", () => {
    const snapshot = snapshotOf({ ...base, users: { alice: { roles: ["editor"], disabled: true } } });
    expect(decide(snapshot, request)).toMatchObject({
      allow: false,
      failedCheck: "user_enabled",
      reason: "denied: user alice@example.test is disabled",
    });
  });

  it("denies when no role of the user grants the scope, whatever the token says", () => {
    const decision = decide(snapshotOf(base), { ...request, userId: "bob", tool: "approve_client" });
    expect(decision).toMatchObject({
      allow: false,
      failedCheck: "user_scope",
      reason: "denied: user bob@example.test has no role granting clients:write",
    });
  });

  it("denies when the client's allow-list lacks the scope", () => {
    const snapshot = snapshotOf({ ...base, clients: { cursor: { allowedScopes: ["clients:read"] } } });
    expect(decide(snapshot, { ...request, tool: "approve_client" })).toMatchObject({
      allow: false,
      failedCheck: "client_allows",
      reason:
        "user alice@example.test → role editor → scope clients:write → denied: client cursor is not allowed clients:write",
    });
  });

  it("denies when the token lacks the scope, naming what it has (the step-up case)", () => {
    const decision = decide(snapshotOf(base), { ...request, tokenScopes: ["clients:read"], tool: "approve_client" });
    expect(decision).toMatchObject({ allow: false, failedCheck: "token_scope", requiredScope: "clients:write" });
    expect(decision.reason).toBe(
      "user alice@example.test → role editor → scope clients:write → denied: token scope lacks clients:write (granted: clients:read)",
    );
  });

  it("applies the current policy: the same token is denied once the role is gone", () => {
    expect(decide(snapshotOf(base), request).allow).toBe(true);
    const after = snapshotOf({ ...base, users: { alice: { roles: [] } } });
    expect(decide(after, request)).toMatchObject({ allow: false, failedCheck: "user_scope" });
  });
});

describe("allowedTools", () => {
  it("lists only the tools the caller may call", () => {
    const snapshot = snapshotOf(base);
    expect(allowedTools(snapshot, { ...request, tokenScopes: ["clients:read"] })).toEqual(["list_clients"]);
    expect(allowedTools(snapshot, request).sort()).toEqual(["approve_client", "list_clients"]);
    expect(allowedTools(snapshot, { ...request, userId: "bob" })).toEqual(["list_clients"]);
  });
});
