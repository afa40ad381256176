import { describe, expect, it } from "vitest";
import { decide } from "@/lib/policy/decide";
import { snapshotOf } from "@/test/support/policy";
import { mappedRoles } from "@/lib/workos/mapped-roles";

const rules = [
  { externalKind: "role" as const, externalName: "admin", roleId: "editor" },
  { externalKind: "role" as const, externalName: "member", roleId: "reader" },
  { externalKind: "permission" as const, externalName: "clients:approve", roleId: "editor" },
  { externalKind: "permission" as const, externalName: "audit:export", roleId: "auditor" },
];

describe("mappedRoles", () => {
  it("maps each WorkOS role and permission a token carries, naming it for the reason path", () => {
    expect(mappedRoles(rules, ["member"], ["audit:export"])).toEqual([
      { roleId: "reader", via: "workos role member" },
      { roleId: "auditor", via: "workos permission audit:export" },
    ]);
  });

  it("holds a local role once, preferring the WorkOS role over a permission granting the same", () => {
    expect(mappedRoles(rules, ["admin"], ["clients:approve"])).toEqual([{ roleId: "editor", via: "workos role admin" }]);
    expect(mappedRoles(rules, [], ["clients:approve"])).toEqual([{ roleId: "editor", via: "workos permission clients:approve" }]);
  });

  it("matches exactly: no case folding, and a role name is not a permission", () => {
    expect(mappedRoles(rules, ["Admin", "clients:approve"], ["admin"])).toEqual([]);
  });

  it("feeds decide(): the mapped role grants the scope, and the reason path says how", () => {
    const snapshot = snapshotOf({
      roles: { reader: { scopes: ["clients:read"] }, editor: { parents: ["reader"], scopes: ["clients:write"] } },
      users: { alice: {} },
      clients: { cursor: {} },
      tools: { list_clients: "clients:read", approve_client: "clients:write" },
    });
    const request = { userId: "alice", clientId: "cursor", tokenScopes: ["clients:read", "clients:write"], tool: "approve_client" };
    expect(decide(snapshot, request)).toMatchObject({ allow: false, failedCheck: "user_scope" });
    const decision = decide(snapshot, { ...request, extraRoles: mappedRoles(rules, ["admin"], []) });
    expect(decision.allow).toBe(true);
    expect(decision.reason).toBe("user alice@example.test → mapped workos role admin → role editor → scope clients:write → tool approve_client");
  });
});
