import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { createUser } from "@/lib/users/create-user";
import { getUserAccess } from "@/lib/users/get-user-access";
import { listUsers, userFilterSchema } from "@/lib/users/list-users";
import { setUserDisabled } from "@/lib/users/set-user-disabled";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let ann: { id: string };
beforeAll(async () => {
  database = await openTestDatabase();
  ann = await createUser({ email: "ann@example.test", name: "Ann Archer", roles: ["iam_admin"] }, CLI_CONTEXT);
  await createUser({ email: "bob@example.test", name: "Bob Baker", roles: ["reader"] }, CLI_CONTEXT);
  const cy = await createUser({ email: "cy@example.test", name: "Cy", roles: ["reader", "developer"] }, CLI_CONTEXT);
  await setUserDisabled(cy.id, true, CLI_CONTEXT);
});
afterAll(() => database.close());

const emails = async (filter: Parameters<typeof listUsers>[0]) => (await listUsers(filter)).map((u) => u.email);

describe("listUsers", () => {
  it("searches name and email, case-insensitively", async () => {
    expect(await emails({ q: "BAKER" })).toEqual(["bob@example.test"]);
    expect(await emails({ q: "example.test" })).toEqual(["ann@example.test", "bob@example.test", "cy@example.test"]);
  });

  it("filters by role and status", async () => {
    expect(await emails({ role: "reader" })).toEqual(["bob@example.test", "cy@example.test"]);
    expect(await emails({ role: "reader", status: "enabled" })).toEqual(["bob@example.test"]);
    expect(await emails({ status: "disabled" })).toEqual(["cy@example.test"]);
  });

  it("ignores filter values it does not understand instead of failing the page", () => {
    expect(userFilterSchema.parse({ status: "sideways", kind: 3, q: "x" })).toEqual({ q: "x", status: undefined, kind: undefined, role: undefined });
  });
});

describe("getUserAccess", () => {
  it("lists grants with their live tokens, active first, and revoked ones with the reason", async () => {
    await db().client.create({ data: { id: "c1", name: "Cursor", source: "manual", status: "active", allowedScopes: ["clients:read"] } });
    const base = { userId: ann.id, clientId: "c1", resource: "http://localhost:3999/mcp", grantType: "authorization_code" };
    const revoked = await db().grant.create({
      data: { ...base, scopes: ["clients:read"], revokedAt: new Date(), revokedReason: "revoked by admin" },
    });
    const live = await db().grant.create({ data: { ...base, scopes: ["clients:read", "audit:read"] } });
    const soon = new Date(Date.now() + 60_000);
    await db().accessToken.createMany({
      data: [
        { jti: "t1", grantId: live.id, scopes: [], expiresAt: soon },
        { jti: "t2", grantId: live.id, scopes: [], expiresAt: new Date(Date.now() - 1000) },
        { jti: "t3", grantId: live.id, scopes: [], expiresAt: soon, revokedAt: new Date() },
      ],
    });
    const access = (await getUserAccess(ann.id))!;
    expect(access.grants.map((g) => [g.id, g.liveAccessTokens, g.revokedReason])).toEqual([
      [live.id, 1, null],
      [revoked.id, 0, "revoked by admin"],
    ]);
    expect(access.effectiveScopes.find((s) => s.scope === "audit:read")!.path.map((p) => p.kind)).toEqual(["user", "role", "scope"]);
  });
});
