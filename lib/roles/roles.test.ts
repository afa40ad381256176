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
import { createUser } from "@/lib/users/create-user";

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
    expect((await getRole(db(), "lead"))!.tools).toEqual([{ name: "list_users", requiredScope: "users:write" }]);
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

