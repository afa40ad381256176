import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents, verifyAuditChain } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { decide } from "@/lib/policy/decide";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { addRoleParent } from "@/lib/roles/add-role-parent";
import { createRole } from "@/lib/roles/create-role";
import { removeRoleParent } from "@/lib/roles/remove-role-parent";
import { assignRole } from "@/lib/users/assign-role";
import { createUser } from "@/lib/users/create-user";
import { removeRole } from "@/lib/users/remove-role";
import { setUserDisabled } from "@/lib/users/set-user-disabled";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
  await db().tool.create({ data: { name: "list_clients", description: "List clients", requiredScope: "clients:read" } });
  await db().client.create({
    data: { id: "cursor", name: "Cursor", status: "active", source: "manual", allowedScopes: ["clients:read", "clients:write"] },
  });
});
afterAll(() => database.close());

const password = "a-password-long-enough";

describe("users and roles", () => {
  it("creates a user with roles, audited in the same transaction", async () => {
    const user = await createUser({ email: "  Alice@Example.TEST ", name: "Alice", password, roles: ["reader"] }, CLI_CONTEXT);
    expect(user).toMatchObject({ email: "alice@example.test", roles: ["reader"] });
    const [event] = await listAuditEvents(db(), { kinds: ["user.created"], limit: 1 });
    expect(event).toMatchObject({ actor: "cli", subject: user.id, reason: "user alice@example.test created with roles reader" });
    const stored = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(stored.passwordHash).not.toContain(password);
  });

  it.each([
    [{ email: "not-an-email", name: "X", password }, "email: enter a valid email address"],
    [{ email: "x@example.test", name: "", password }, "name: enter a name"],
    [{ email: "x@example.test", name: "X", password: "short" }, "password: use at least 12 characters"],
    [{ email: "x@example.test", name: "X", password, roles: ["overlord"] }, "Unknown role: overlord"],
  ])("refuses bad input %#", async (input, message) => {
    await expect(createUser(input, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message });
    expect(await db().user.count({ where: { email: "x@example.test" } })).toBe(0);
  });

  it("refuses a duplicate email with a conflict", async () => {
    await expect(createUser({ email: "alice@example.test", name: "A2", password }, CLI_CONTEXT)).rejects.toMatchObject({
      code: "conflict",
      status: 409,
    });
  });

  it("applies a removed role on the very next decision", async () => {
    const bob = await createUser({ email: "bob@example.test", name: "Bob", password, roles: ["editor"] }, CLI_CONTEXT);
    const request = { userId: bob.id, clientId: "cursor", tokenScopes: ["clients:read"], tool: "list_clients" };
    expect(decide(await policySnapshot(), request)).toMatchObject({
      allow: true,
      reason: "user bob@example.test → role editor → inherits reader → scope clients:read → tool list_clients",
    });
    await removeRole(bob.id, "editor", CLI_CONTEXT);
    expect(decide(await policySnapshot(), request)).toMatchObject({ allow: false, failedCheck: "user_scope" });
    await assignRole(bob.id, "reader", CLI_CONTEXT);
    expect(decide(await policySnapshot(), request)).toMatchObject({ allow: true, reason: expect.stringContaining("role reader →") });
  });

  it("refuses a parent that would make a cycle, naming it, and changes nothing", async () => {
    await createRole({ name: "ops", description: "", scopes: [] }, CLI_CONTEXT);
    await addRoleParent("ops", "editor", CLI_CONTEXT);
    const edgesBefore = await db().roleParent.count();
    await expect(addRoleParent("reader", "ops", CLI_CONTEXT)).rejects.toMatchObject({
      code: "role_cycle",
      status: 409,
      message: "reader cannot inherit from ops: that would make a cycle (reader → ops → editor → reader)",
    });
    await expect(addRoleParent("ops", "ops", CLI_CONTEXT)).rejects.toMatchObject({ code: "role_cycle" });
    expect(await db().roleParent.count()).toBe(edgesBefore);
    await removeRoleParent("ops", "editor", CLI_CONTEXT);
    await addRoleParent("reader", "ops", CLI_CONTEXT);
  });

  it("refuses an unknown role name with not_found", async () => {
    await expect(addRoleParent("ghost", "reader", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found", message: "Role ghost does not exist" });
  });

  it("disabling a user revokes their grants and denies at once; the last admin is protected", async () => {
    const carol = await createUser({ email: "carol@example.test", name: "Carol", password, roles: ["reader"] }, CLI_CONTEXT);
    await db().grant.create({ data: { userId: carol.id, clientId: "cursor", scopes: ["clients:read"], resource: "r", grantType: "authorization_code" } });
    await setUserDisabled(carol.id, true, CLI_CONTEXT);
    expect(await db().grant.count({ where: { userId: carol.id, revokedAt: null } })).toBe(0);
    expect(decide(await policySnapshot(), { userId: carol.id, clientId: "cursor", tokenScopes: ["clients:read"], tool: "list_clients" })).toMatchObject({
      failedCheck: "user_enabled",
    });

    const admin = await createUser({ email: "root@example.test", name: "Root", password, roles: ["iam_admin"] }, CLI_CONTEXT);
    await expect(setUserDisabled(admin.id, true, CLI_CONTEXT)).rejects.toMatchObject({ code: "conflict" });
    await expect(removeRole(admin.id, "iam_admin", CLI_CONTEXT)).rejects.toMatchObject({ code: "conflict" });
    await expect(setUserDisabled(admin.id, true, { actor: `user:${admin.id}` })).rejects.toMatchObject({ code: "privilege_escalation", message: "You cannot disable your own account." });
  });

  it("leaves an intact audit chain behind all of the above", async () => {
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});

describe("privilege rules: users:write administers access, it does not hand out more of it", () => {
  let helpdesk: string;
  let peer: string;
  let root: string;
  const deniedEvents = (actor: string) => db().auditEvent.findMany({ where: { kind: "console.denied", actor }, orderBy: { seq: "asc" } });

  beforeAll(async () => {
    await createRole({ name: "helpdesk", scopes: ["users:write", "users:read", "account:read", "clients:read", "policy:read"] }, CLI_CONTEXT);
    await createRole({ name: "shadow_admin", parents: ["iam_admin"] }, CLI_CONTEXT);
    helpdesk = (await createUser({ email: "hd@example.test", name: "Helpdesk", password, roles: ["helpdesk"] }, CLI_CONTEXT)).id;
    peer = (await createUser({ email: "peer@example.test", name: "Peer", password }, CLI_CONTEXT)).id;
    root = (await createUser({ email: "root2@example.test", name: "Root 2", password, roles: ["iam_admin"] }, CLI_CONTEXT)).id;
  });

  const rolesOf = async (userId: string) =>
    (await db().userRole.findMany({ where: { userId }, include: { role: true } })).map((r) => r.role.name).sort();

  it.each([
    ["iam_admin to themselves", () => assignRole(helpdesk, "iam_admin", { actor: `user:${helpdesk}` }), "own_access", "You cannot change your own roles: ask another administrator to give iam_admin."],
    ["iam_admin to another", () => assignRole(peer, "iam_admin", { actor: `user:${helpdesk}` }), "admin_only", "Only an iam_admin may give iam_admin."],
    ["a role inheriting iam_admin", () => assignRole(peer, "shadow_admin", { actor: `user:${helpdesk}` }), "admin_only", "Only an iam_admin may give shadow_admin (it inherits iam_admin)."],
    ["a role stronger than their own", () => assignRole(peer, "editor", { actor: `user:${helpdesk}` }), "beyond_own_scopes", "You cannot give role editor: it carries scopes you do not hold (clients:write)."],
    ["iam_admin with a new account", () => createUser({ email: "sock@example.test", name: "Sock", password, roles: ["iam_admin"] }, { actor: `user:${helpdesk}` }), "admin_only", "Only an iam_admin may give iam_admin."],
    ["iam_admin taken from an admin", () => removeRole(root, "iam_admin", { actor: `user:${helpdesk}` }), "admin_only", "Only an iam_admin may take away iam_admin."],
    ["an admin disabled", () => setUserDisabled(root, true, { actor: `user:${helpdesk}` }), "admin_only", "Only an iam_admin may disable root2@example.test, who holds iam_admin."],
    ["their own role removed", () => removeRole(helpdesk, "helpdesk", { actor: `user:${helpdesk}` }), "own_access", "You cannot change your own roles: ask another administrator to take away helpdesk."],
  ])("refuses %s, changing nothing, as an audited console.denied", async (_what, attempt, rule, message) => {
    const before = await Promise.all([rolesOf(helpdesk), rolesOf(peer), rolesOf(root), db().user.count()]);
    const denied = (await deniedEvents(`user:${helpdesk}`)).length;
    await expect(attempt()).rejects.toMatchObject({ code: "privilege_escalation", status: 403, message, details: { rule } });
    expect(await Promise.all([rolesOf(helpdesk), rolesOf(peer), rolesOf(root), db().user.count()])).toEqual(before);
    const events = await deniedEvents(`user:${helpdesk}`);
    expect(events).toHaveLength(denied + 1);
    expect(events.at(-1)).toMatchObject({ decision: "deny", reason: message, detail: { rule } });
  });

  it("names the scopes that are missing in the audit event", async () => {
    await expect(assignRole(peer, "editor", { actor: `user:${helpdesk}` })).rejects.toMatchObject({ details: { missingScopes: ["clients:write"] } });
    expect((await deniedEvents(`user:${helpdesk}`)).at(-1)).toMatchObject({ subject: peer, scopes: ["clients:write"] });
  });

  it("still lets users:write give and take roles within its own scopes", async () => {
    await assignRole(peer, "reader", { actor: `user:${helpdesk}` });
    await removeRole(peer, "reader", { actor: `user:${helpdesk}` });
    await setUserDisabled(peer, true, { actor: `user:${helpdesk}` });
    await setUserDisabled(peer, false, { actor: `user:${helpdesk}` });
    expect(await rolesOf(peer)).toEqual([]);
  });

  it("refuses re-enabling a disabled admin account to anyone but an iam_admin", async () => {
    const other = await createUser({ email: "root3@example.test", name: "Root 3", password, roles: ["iam_admin"] }, CLI_CONTEXT);
    await setUserDisabled(root, true, { actor: `user:${other.id}` });
    await expect(setUserDisabled(root, false, { actor: `user:${helpdesk}` })).rejects.toMatchObject({
      code: "privilege_escalation",
      message: "Only an iam_admin may enable root2@example.test, who holds iam_admin.",
    });
    await setUserDisabled(root, false, CLI_CONTEXT);
  });

  it("binds an iam_admin too: not their own roles, but anyone else's", async () => {
    await expect(removeRole(root, "iam_admin", { actor: `user:${root}` })).rejects.toMatchObject({ details: { rule: "own_access" } });
    await assignRole(peer, "shadow_admin", { actor: `user:${root}` });
    await removeRole(peer, "shadow_admin", { actor: `user:${root}` });
  });

  it("refuses anyone who is neither a user nor the operator (fail closed)", async () => {
    await expect(assignRole(peer, "developer", { actor: "client:some-mcp-client" })).rejects.toMatchObject({ details: { rule: "beyond_own_scopes" } });
  });

  it("leaves an intact audit chain behind the refusals", async () => {
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});
