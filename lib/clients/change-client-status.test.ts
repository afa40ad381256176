import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { changeClientStatus } from "@/lib/clients/change-client-status";
import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/lib/db/testing";

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
    ["pending", "active", "client.approved"],
    ["pending", "rejected", "client.rejected"],
    ["active", "suspended", "client.suspended"],
    ["suspended", "active", "client.reactivated"],
  ] as const)("moves %s → %s, recording %s and invalidating policy and revocations", async (from, to, kind) => {
    const c = await client(from);
    const versions = [topicVersion("policy"), topicVersion("revocations")];
    const change = await changeClientStatus(c.id, to, { actor: "user:admin" }, " looked fine ");
    expect(change).toMatchObject({ clientId: c.id, from, to });
    expect(await db().client.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: to, statusReason: "looked fine", statusChangedBy: "user:admin" });
    const event = await db().auditEvent.findFirstOrThrow({ where: { clientId: c.id }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ kind, actor: "user:admin", detail: { from, to, note: "looked fine" } });
    expect([topicVersion("policy"), topicVersion("revocations")]).toEqual(versions.map((v) => v + 1));
  });

  it.each([
    ["pending", "suspended", "Client {name} is pending; it can only become active or rejected"],
    ["active", "rejected", "Client {name} is active; it can only become suspended"],
    ["rejected", "active", "Client {name} is rejected; it can no longer change status"],
    ["active", "active", "Client {name} is already active"],
  ] as const)("refuses %s → %s with a clear conflict, changing nothing", async (from, to, message) => {
    const c = await client(from);
    const error = await changeClientStatus(c.id, to, CLI_CONTEXT).catch((e) => e);
    expect(error).toMatchObject({ code: "conflict", message: message.replace("{name}", c.name) });
    expect((await db().client.findUniqueOrThrow({ where: { id: c.id } })).status).toBe(from);
  });

  it("answers not_found for an unknown client", async () => {
    await expect(changeClientStatus("nope", "active", CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
  });
});
