import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { noteChanged } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { isAppError } from "@/lib/errors";
import { decide } from "@/lib/policy/decide";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { createScope } from "@/lib/scopes/create-scope";
import { listScopes } from "@/lib/scopes/list-scopes";
import { insertTestTools } from "@/test/support/tools";
import { listTools } from "@/lib/tools/list-tools";
import { setToolScope } from "@/lib/tools/set-tool-scope";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
  await insertTestTools(db(), { list_clients: "clients:read", approve_client: "clients:write" });
});
afterAll(() => database.close());

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("createScope", () => {
  it("adds area:verb and tools:<name> scopes, audited", async () => {
    await createScope({ name: "reports:read", description: "Read reports" }, CLI_CONTEXT);
    await createScope({ name: "tools:deploy_service", description: "Call deploy_service" }, CLI_CONTEXT);
    const scopes = await listScopes(db());
    expect(scopes.find((s) => s.name === "reports:read")).toEqual({
      name: "reports:read",
      description: "Read reports",
      builtin: false,
      grantedBy: [],
      inheritedBy: [],
      tools: [],
    });
    const event = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ kind: "policy.changed", reason: "scope tools:deploy_service created", scopes: ["tools:deploy_service"] });
  });

  it.each([
    ["Reports:Read", "invalid_input"],
    ["reports", "invalid_input"],
    ["reports:read write", "invalid_input"],
    ["a:b:c", "invalid_input"],
    ["reports:read", "conflict"],
  ])("refuses %s (%s)", async (name, code) => {
    expect(await failure(createScope({ name, description: "x" }, CLI_CONTEXT))).toMatchObject({ code });
  });

  it("requires a description", async () => {
    expect(await failure(createScope({ name: "reports:write", description: " " }, CLI_CONTEXT))).toEqual({
      code: "invalid_input",
      message: "description: say what the scope allows",
    });
  });
});

describe("listScopes", () => {
  it("names the roles that grant a scope directly and by inheritance, and the tools that need it", async () => {
    const clientsRead = (await listScopes(db())).find((s) => s.name === "clients:read")!;
    expect(clientsRead.grantedBy).toEqual(["access_reviewer", "iam_admin", "reader"]);
    expect(clientsRead.inheritedBy).toEqual(["editor"]);
    expect(clientsRead.tools).toEqual(["list_clients"]);
  });
});

describe("setToolScope", () => {
  it("changes what a tool requires, and the very next decision follows it", async () => {
    const user = await createUser({ email: "rita@example.test", name: "Rita", roles: ["reader"] }, CLI_CONTEXT);
    await db().client.create({
      data: { id: "cli-1", name: "Test client", source: "manual", status: "active", allowedScopes: ["clients:read", "reports:read"] },
    });
    noteChanged(["policy"]);
    const request = { userId: user.id, clientId: "cli-1", tokenScopes: ["clients:read", "reports:read"], tool: "list_clients" };
    expect(decide(await policySnapshot(), request).allow).toBe(true);

    expect(await setToolScope("list_clients", "reports:read", CLI_CONTEXT)).toEqual({ changed: true, previous: "clients:read" });
    const denied = decide(await policySnapshot(), request);
    expect(denied).toMatchObject({ allow: false, failedCheck: "user_scope", requiredScope: "reports:read" });

    expect((await listTools(db())).find((t) => t.name === "list_clients")!.requiredScope).toBe("reports:read");
    const event = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ kind: "policy.changed", tool: "list_clients", reason: "tool list_clients now requires reports:read (was clients:read)" });
  });

  it("does nothing, and records nothing, when the scope is already the one required", async () => {
    const before = await db().auditEvent.count();
    expect(await setToolScope("list_clients", "reports:read", CLI_CONTEXT)).toEqual({ changed: false, previous: "reports:read" });
    expect(await db().auditEvent.count()).toBe(before);
  });

  it("refuses an unknown tool or scope", async () => {
    expect(await failure(setToolScope("drop_tables", "clients:read", CLI_CONTEXT))).toEqual({ code: "not_found", message: "Tool drop_tables does not exist" });
    expect(await failure(setToolScope("list_clients", "nope:nope", CLI_CONTEXT))).toEqual({ code: "invalid_input", message: "Unknown scope: nope:nope" });
    expect(await failure(setToolScope("", "clients:read", CLI_CONTEXT))).toMatchObject({ code: "invalid_input" });
  });
});
