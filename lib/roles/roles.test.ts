import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { isAppError } from "@/lib/errors";
import { addRoleParent } from "@/lib/roles/add-role-parent";
import { createRole } from "@/lib/roles/create-role";
import { deleteRole } from "@/lib/roles/delete-role";
import { getRole } from "@/lib/roles/get-role";
import { setRoleScopes } from "@/lib/roles/set-role-scopes";
import { updateRole } from "@/lib/roles/update-role";
import { removeRoleParent } from "@/lib/roles/remove-role-parent";
import { setToolScope } from "@/lib/tools/set-tool-scope";
import { createUser } from "@/lib/users/create-user";
import { addRoleMapping } from "@/lib/workos/add-role-mapping";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the call to fail");
}

async function lastPolicyEvent() {
  return db().auditEvent.findFirstOrThrow({ where: { kind: "policy.changed" }, orderBy: { seq: "desc" } });
}

describe("creating roles", () => {
  it("creates a role with scopes and parents in one audited change", async () => {
    await createRole({ name: "support", description: "Front line", scopes: ["users:read"], parents: ["reader"] }, CLI_CONTEXT);
    const role = await getRole(db(), "support");
    expect(role).toMatchObject({ description: "Front line", parents: ["reader"], scopes: ["users:read"], builtin: false });
    expect(role!.effectiveScopes.map((s) => s.scope)).toEqual(["account:read", "clients:read", "policy:read", "users:read"]);
    const event = await lastPolicyEvent();
    expect(event).toMatchObject({ actor: "cli", reason: "role support created, inheriting reader" });
    expect(event.detail).toMatchObject({ change: "role_created", role: "support", parents: ["reader"] });
  });

  it("refuses a bad name, a taken name, an unknown scope and an unknown parent, writing nothing", async () => {
    const before = await db().auditEvent.count();
    expect(await failure(createRole({ name: "Bad Name" }, CLI_CONTEXT))).toMatchObject({ code: "invalid_input" });
    expect(await failure(createRole({ name: "support" }, CLI_CONTEXT))).toEqual({ code: "conflict", message: "Role support already exists" });
    expect(await failure(createRole({ name: "x1", scopes: ["nope:read"] }, CLI_CONTEXT))).toEqual({
      code: "invalid_input",
      message: "Unknown scope: nope:read",
    });
    expect(await failure(createRole({ name: "x2", parents: ["ghost"] }, CLI_CONTEXT))).toEqual({
      code: "invalid_input",
      message: "Unknown parent role: ghost",
    });
    expect(await db().role.count({ where: { name: { in: ["x1", "x2"] } } })).toBe(0);
    expect(await db().auditEvent.count()).toBe(before);
  });
});

describe("editing roles", () => {
  it("changes the description and records before and after", async () => {
    await updateRole("support", { description: "Second line" }, CLI_CONTEXT);
    expect((await getRole(db(), "support"))!.description).toBe("Second line");
    expect((await lastPolicyEvent()).detail).toEqual({
      change: "role_updated",
      role: "support",
      before: { description: "Front line" },
      after: { description: "Second line" },
    });
    expect(await failure(updateRole("ghost", { description: "" }, CLI_CONTEXT))).toMatchObject({ code: "not_found" });
  });

  it("replaces own scopes, reporting what was added and removed", async () => {
    const result = await setRoleScopes("support", ["tokens:read", "users:read"], CLI_CONTEXT);
    expect(result).toEqual({ added: ["tokens:read"], removed: [] });
    expect(await setRoleScopes("support", ["tokens:read"], CLI_CONTEXT)).toEqual({ added: [], removed: ["users:read"] });
    expect((await lastPolicyEvent()).reason).toBe("role support lost users:read");
    const before = await db().auditEvent.count();
    expect(await setRoleScopes("support", ["tokens:read"], CLI_CONTEXT)).toEqual({ added: [], removed: [] });
    expect(await db().auditEvent.count()).toBe(before);
    expect(await failure(setRoleScopes("support", ["made:up"], CLI_CONTEXT))).toEqual({ code: "invalid_input", message: "Unknown scope: made:up" });
  });

  it("never lets iam_admin lose a built-in scope", async () => {
    const failed = await failure(setRoleScopes("iam_admin", ["account:read"], CLI_CONTEXT));
    expect(failed.code).toBe("conflict");
    expect(failed.message).toMatch(/^iam_admin always holds every built-in scope; it cannot lose audit:read, clients:read/);
    expect((await getRole(db(), "iam_admin"))!.scopes).toContain("policy:write");
  });
});

describe("the hierarchy", () => {
  it("shows inherited scopes with the path that grants them", async () => {
    await createRole({ name: "lead", scopes: ["users:write"], parents: ["support", "editor"] }, CLI_CONTEXT);
    const lead = (await getRole(db(), "lead"))!;
    const byScope = new Map(lead.effectiveScopes.map((s) => [s.scope, s]));
    expect(byScope.get("users:write")).toMatchObject({ inherited: false, reason: "role lead → scope users:write" });
    expect(byScope.get("clients:read")).toMatchObject({ inherited: true, reason: "role lead → inherits editor → inherits reader → scope clients:read" });
    expect(lead.ancestors).toEqual(["editor", "reader", "support"]);
    expect((await getRole(db(), "reader"))!.descendants).toEqual(["editor", "lead", "support"]);
  });

  it("refuses a cycle with a message naming it", async () => {
    expect(await failure(addRoleParent("reader", "lead", CLI_CONTEXT))).toEqual({
      code: "role_cycle",
      message: "reader cannot inherit from lead: that would make a cycle (reader → lead → editor → reader)",
    });
  });

  it("counts who holds a role directly and through roles that inherit it", async () => {
    const user = await createUser({ email: "lee@example.test", name: "Lee", roles: ["lead"] }, CLI_CONTEXT);
    const reader = (await getRole(db(), "reader"))!;
    expect(reader.users.map((u) => u.email)).not.toContain(user.email);
    expect(reader.indirectUserCount).toBeGreaterThanOrEqual(1);
    expect((await getRole(db(), "lead"))!.users.map((u) => u.email)).toEqual(["lee@example.test"]);
  });

  it("lists the tools a role unlocks", async () => {
    await db().tool.create({ data: { name: "list_users", description: "List users", requiredScope: "users:write" } });
    expect((await getRole(db(), "lead"))!.tools).toEqual([{ name: "list_users", requiredScope: "users:write", condition: null }]);
    expect((await getRole(db(), "reader"))!.tools).toEqual([]);
    await db().tool.delete({ where: { name: "list_users" } });
  });
});

describe("deleting roles", () => {
  it("refuses built-in roles, roles someone holds, and roles others inherit", async () => {
    expect(await failure(deleteRole("iam_admin", CLI_CONTEXT))).toEqual({
      code: "conflict",
      message: "iam_admin is a built-in role: the console relies on it, so it cannot be deleted",
    });
    expect(await failure(deleteRole("lead", CLI_CONTEXT))).toEqual({
      code: "conflict",
      message: "lead is held by 1 user: remove it from them first, so nobody loses access without an explicit change",
    });
    expect(await failure(deleteRole("reader", CLI_CONTEXT))).toEqual({
      code: "conflict",
      message: "editor, support inherit from reader: remove those links first",
    });
    expect(await failure(deleteRole("ghost", CLI_CONTEXT))).toMatchObject({ code: "not_found" });
  });

  it("deletes a role that affects nobody, recording enough to recreate it", async () => {
    await createRole({ name: "temp", description: "Short-lived", scopes: ["audit:read"], parents: ["reader"] }, CLI_CONTEXT);
    await deleteRole("temp", CLI_CONTEXT);
    expect(await getRole(db(), "temp")).toBeNull();
    expect((await lastPolicyEvent()).detail).toEqual({
      change: "role_deleted",
      role: "temp",
      description: "Short-lived",
      scopes: ["audit:read"],
      parents: ["reader"],
    });
  });

  it("leaves an unbroken audit chain behind all of it", async () => {
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});


describe("privilege rules: policy:write edits roles, never its own, never beyond its own scopes", () => {
  let designer: { actor: string };
  let admin: { actor: string };
  beforeAll(async () => {
    // `designer` inherits `reader`: both are "their own roles".
    await createRole({ name: "designer", scopes: ["policy:write"], parents: ["reader"] }, CLI_CONTEXT);
    await createRole({ name: "target", scopes: ["clients:read"] }, CLI_CONTEXT);
    designer = { actor: `user:${(await createUser({ email: "designer@example.test", name: "D", roles: ["designer"] }, CLI_CONTEXT)).id}` };
    admin = { actor: `user:${(await createUser({ email: "boss@example.test", name: "B", roles: ["iam_admin"] }, CLI_CONTEXT)).id}` };
  });

  /**
   * Runs `attempt` only after the role graph and the count of denials are read, so the refusal's own audit event is
   * never counted in the baseline, and its rejection is handled the moment it happens.
   */
  async function refused(attempt: () => Promise<unknown>) {
    const graph = async () => JSON.stringify(await db().role.findMany({ orderBy: { name: "asc" }, include: { scopes: true, parents: true, mappings: true } }));
    const before = await graph();
    const denied = await db().auditEvent.count({ where: { kind: "console.denied" } });
    let caught: unknown;
    await attempt().catch((error: unknown) => (caught = error));
    expect(isAppError(caught)).toBe(true);
    const error = caught as { code: string; message: string; details?: { rule?: string } };
    expect(await graph()).toBe(before);
    expect(await db().auditEvent.count({ where: { kind: "console.denied" } })).toBe(denied + 1);
    return { code: error.code, rule: error.details?.rule, message: error.message };
  }

  it("refuses scopes added to their own role, directly held or inherited", async () => {
    expect(await refused(() => setRoleScopes("designer", ["policy:write", "users:write"], designer))).toEqual({
      code: "privilege_escalation",
      rule: "own_access",
      message: "You cannot change role designer: you hold it (directly or through inheritance). Ask another administrator.",
    });
    expect(await refused(() => setRoleScopes("reader", ["account:read"], designer))).toMatchObject({ rule: "own_access" });
  });

  it("refuses iam_admin, or a stronger role, as a parent of their own role or any other", async () => {
    expect(await refused(() => addRoleParent("designer", "iam_admin", designer))).toMatchObject({ rule: "own_access" });
    expect(await refused(() => addRoleParent("target", "iam_admin", designer))).toEqual({
      code: "privilege_escalation",
      rule: "admin_only",
      message: "Only an iam_admin may change whether target inherits iam_admin.",
    });
    expect(await refused(() => addRoleParent("target", "editor", designer))).toEqual({
      code: "privilege_escalation",
      rule: "beyond_own_scopes",
      message: "You cannot give or take scopes you do not hold yourself (clients:write) through role target.",
    });
  });

  it("refuses scopes they do not hold on another role, and on a role they create", async () => {
    expect(await refused(() => setRoleScopes("target", ["clients:read", "settings:write"], designer))).toMatchObject({ rule: "beyond_own_scopes" });
    expect(await refused(() => createRole({ name: "sneaky", scopes: ["users:write"] }, designer))).toMatchObject({ rule: "beyond_own_scopes" });
    expect(await refused(() => createRole({ name: "sneaky", parents: ["iam_admin"] }, designer))).toMatchObject({ rule: "admin_only" });
  });

  it("refuses a WorkOS mapping to iam_admin or to a stronger role, and moving a tool they may not call", async () => {
    expect(await refused(() => addRoleMapping({ externalKind: "role", externalName: "member", role: "iam_admin" }, designer))).toEqual({
      code: "privilege_escalation",
      rule: "admin_only",
      message: "Only an iam_admin may map a WorkOS role or permission to iam_admin.",
    });
    expect(await refused(() => addRoleMapping({ externalKind: "role", externalName: "member", role: "editor" }, designer))).toMatchObject({ rule: "beyond_own_scopes" });
    await db().tool.upsert({ where: { name: "approve_client" }, create: { name: "approve_client", description: "Approve", requiredScope: "clients:write" }, update: { requiredScope: "clients:write" } });
    expect(await refused(() => setToolScope("approve_client", "account:read", designer))).toMatchObject({ rule: "beyond_own_scopes" });
    await db().tool.delete({ where: { name: "approve_client" } });
  });

  it("allows what stays within their scopes, on roles they do not hold", async () => {
    await setRoleScopes("target", ["clients:read", "policy:read"], designer);
    await addRoleParent("target", "reader", designer);
    await removeRoleParent("target", "reader", designer);
    await createRole({ name: "fair", scopes: ["account:read"], parents: ["reader"] }, designer);
    await addRoleMapping({ externalKind: "role", externalName: "viewer", role: "reader" }, designer);
  });

  it("binds an iam_admin by the own-role rule only: any scope, on any role but their own", async () => {
    await db().scope.create({ data: { name: "tools:deploy", description: "Deploy" } });
    const adminScopes = (await getRole(db(), "iam_admin"))!.scopes;
    expect(await refused(() => setRoleScopes("iam_admin", [...adminScopes, "tools:deploy"], admin))).toMatchObject({ rule: "own_access" });
    await setRoleScopes("target", ["clients:read", "policy:read", "tools:deploy"], admin);
    await addRoleParent("target", "iam_admin", admin);
    await removeRoleParent("target", "iam_admin", admin);
  });

  it("does not bind the CLI, the operator of the machine", async () => {
    await setRoleScopes("designer", ["policy:write", "users:read"], CLI_CONTEXT);
    expect((await getRole(db(), "designer"))!.scopes).toEqual(["policy:write", "users:read"]);
  });
});
