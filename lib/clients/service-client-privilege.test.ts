import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { approveClient } from "@/lib/clients/approve-client";
import { updateClientScopes } from "@/lib/clients/update-client-scopes";
import { db } from "@/lib/db/client";
import { createRole } from "@/lib/roles/create-role";
import { createUser } from "@/lib/users/create-user";
import { openTestDatabase } from "@/test/support/db";

// A client bound to a service identity acts as it with client_credentials: approving it, binding it or widening its
// allow-list hands the identity's scopes to whoever holds the client's secret. clients:write alone must not do that.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let reviewer: string;
let admin: string;
beforeAll(async () => {
  database = await openTestDatabase();
  await createRole({ name: "client_reviewer", scopes: ["clients:read", "clients:write", "audit:read"] }, CLI_CONTEXT);
  reviewer = (await createUser({ email: "reviewer@example.test", name: "Reviewer", roles: ["client_reviewer"] }, CLI_CONTEXT)).id;
  admin = (await createUser({ email: "admin2@example.test", name: "Admin", roles: ["iam_admin"] }, CLI_CONTEXT)).id;
  await createUser({ email: "deployer@service.test", name: "Deployer", kind: "service", roles: ["iam_admin"] }, CLI_CONTEXT);
  await createUser({ email: "auditor@service.test", name: "Auditor", kind: "service", roles: ["access_reviewer"] }, CLI_CONTEXT);
});
afterAll(() => database.close());

let n = 0;
async function pendingServiceClient(extra: Record<string, unknown> = {}) {
  n += 1;
  return db().client.create({
    data: {
      id: `pcl_svc${n}`,
      name: `Service agent ${n}`,
      status: "pending",
      source: "dcr",
      redirectUris: [],
      grantTypes: ["client_credentials"],
      responseTypes: [],
      requestedScopes: ["clients:read", "users:write"],
      allowedScopes: ["clients:read", "users:write"],
      ...extra,
    },
  });
}

const deniedEvents = (actor: string) => db().auditEvent.findMany({ where: { kind: "console.denied", actor }, orderBy: { seq: "asc" } });

describe("privilege rules: a client bound to a service identity", () => {
  it("refuses approving a client as a stronger service identity to someone without its scopes, and records it", async () => {
    const client = await pendingServiceClient();
    await expect(approveClient(client.id, "looks fine", { actor: `user:${reviewer}` }, { serviceUser: "deployer@service.test" })).rejects.toMatchObject({
      code: "privilege_escalation",
      details: { rule: "beyond_own_scopes", missingScopes: ["users:write"] },
      message: `You cannot let client ${client.name} act as deployer@service.test with scopes you do not hold yourself (users:write): ask an iam_admin.`,
    });
    const after = await db().client.findUniqueOrThrow({ where: { id: client.id } });
    expect(after).toMatchObject({ status: "pending", serviceUserId: null });
    expect((await deniedEvents(`user:${reviewer}`)).at(-1)).toMatchObject({ subject: client.id, scopes: ["users:write"], decision: "deny" });
  });

  it("lets the same reviewer approve it within the scopes they hold (the allow-list narrowed to them)", async () => {
    const client = await pendingServiceClient();
    const change = await approveClient(client.id, "read-only agent", { actor: `user:${reviewer}` }, { serviceUser: "deployer@service.test", scopes: ["clients:read"] });
    expect(change.status).toBe("active");
  });

  it("lets the reviewer bind a service identity whose scopes they hold, whatever the allow-list", async () => {
    const client = await pendingServiceClient({ requestedScopes: ["audit:read"], allowedScopes: ["audit:read", "users:write"] });
    await expect(approveClient(client.id, "audit export", { actor: `user:${reviewer}` }, { serviceUser: "auditor@service.test" })).resolves.toMatchObject({ status: "active" });
  });

  it("refuses re-approving a client already bound to a stronger identity (a client changed after approval returns to pending)", async () => {
    const deployer = await db().user.findFirstOrThrow({ where: { email: "deployer@service.test" } });
    const client = await pendingServiceClient({ serviceUserId: deployer.id });
    await expect(approveClient(client.id, "again", { actor: `user:${reviewer}` })).rejects.toMatchObject({ details: { rule: "beyond_own_scopes" } });
    await expect(approveClient(client.id, "again", { actor: `user:${admin}` })).resolves.toMatchObject({ status: "active" });
  });

  it("refuses widening the allow-list of a bound client beyond the reviewer's scopes, but not narrowing it", async () => {
    const client = await pendingServiceClient();
    await approveClient(client.id, "read-only agent", { actor: `user:${admin}` }, { serviceUser: "deployer@service.test", scopes: ["clients:read"] });
    await expect(updateClientScopes(client.id, ["clients:read", "users:write"], { actor: `user:${reviewer}` })).rejects.toMatchObject({
      details: { rule: "beyond_own_scopes", missingScopes: ["users:write"] },
    });
    expect((await db().client.findUniqueOrThrow({ where: { id: client.id } })).allowedScopes).toEqual(["clients:read"]);
    await expect(updateClientScopes(client.id, ["clients:read", "audit:read"], { actor: `user:${reviewer}` })).resolves.toMatchObject({ added: ["audit:read"] });
    await expect(updateClientScopes(client.id, [], { actor: `user:${reviewer}` })).resolves.toMatchObject({ removed: ["audit:read", "clients:read"] });
    await expect(updateClientScopes(client.id, ["users:write"], { actor: `user:${admin}` })).resolves.toMatchObject({ added: ["users:write"] });
  });

  it("leaves the operator (CLI) unbounded, as for every privilege rule", async () => {
    const client = await pendingServiceClient();
    await expect(approveClient(client.id, "ops", CLI_CONTEXT, { serviceUser: "deployer@service.test" })).resolves.toMatchObject({ status: "active" });
  });

  it("leaves an intact audit chain", async () => {
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});
