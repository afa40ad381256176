import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { topicVersion } from "@/lib/changes/change-versions";
import { changeClientStatus, TRANSITIONS } from "@/lib/clients/change-client-status";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

let n = 0;
async function client(status: "pending" | "active" | "suspended" | "rejected") {
  n += 1;
  return db().client.create({
    data: { id: `c${n}`, name: `Client ${n}`, status, source: "dcr", redirectUris: [], grantTypes: [], responseTypes: [], requestedScopes: [], allowedScopes: [] },
  });
}

describe("changeClientStatus", () => {
  it.each([
    ["approve", "pending", "active", "client.approved"],
    ["reject", "pending", "rejected", "client.rejected"],
    ["suspend", "active", "suspended", "client.suspended"],
    ["reactivate", "suspended", "active", "client.reactivated"],
  ] as const)("%s moves %s → %s, recording %s and invalidating policy", async (verb, from, to, kind) => {
    const c = await client(from);
    const policy = topicVersion("policy");
    const change = await changeClientStatus(c.id, TRANSITIONS[verb], " looked fine ", { actor: "user:admin" });
    expect(change).toMatchObject({ clientId: c.id, from, status: to });
    expect(await db().client.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: to, statusReason: "looked fine", statusChangedBy: "user:admin" });
    const event = await db().auditEvent.findFirstOrThrow({ where: { clientId: c.id }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ kind, actor: "user:admin", reason: `client ${c.name} ${from} → ${to}: looked fine`, detail: { from, to } });
    expect(topicVersion("policy")).toBe(policy + 1);
  });

  it("keeps a suspended client's grants, so reactivation restores them", async () => {
    const c = await client("active");
    const user = await db().user.create({ data: { email: `g${n}@example.test`, name: "G" } });
    const grant = await db().grant.create({ data: { userId: user.id, clientId: c.id, scopes: [], resource: "r", grantType: "authorization_code" } });
    await changeClientStatus(c.id, TRANSITIONS.suspend, "incident", CLI_CONTEXT);
    expect((await db().grant.findUniqueOrThrow({ where: { id: grant.id } })).revokedAt).toBeNull();
  });

  it.each([
    ["suspend", "pending", "Client {name} is pending; only an active client can be suspended."],
    ["reject", "active", "Client {name} is active; only a pending client can be rejected."],
    ["reactivate", "rejected", "Client {name} is rejected; only a suspended client can be reactivated."],
    ["approve", "active", "Client {name} is active; only a pending client can be approved."],
  ] as const)("refuses to %s a %s client with a clear conflict, changing nothing", async (verb, from, message) => {
    const c = await client(from);
    const error = await changeClientStatus(c.id, TRANSITIONS[verb], "because", CLI_CONTEXT).catch((e) => e);
    expect(error).toMatchObject({ code: "conflict", message: message.replace("{name}", c.name) });
    expect((await db().client.findUniqueOrThrow({ where: { id: c.id } })).status).toBe(from);
  });

  it("requires a reason, and answers not_found for an unknown client", async () => {
    const c = await client("pending");
    await expect(changeClientStatus(c.id, TRANSITIONS.approve, "  ", CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message: "Give a reason to approve a client." });
    await expect(changeClientStatus("nope", TRANSITIONS.approve, "ok", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
  });
});
