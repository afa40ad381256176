import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { issueTestToken } from "@/test/support/mcp";
import { loadRevocationState, revocationState } from "@/lib/revocation-view";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let userId: string;
beforeAll(async () => {
  database = await openTestDatabase();
  userId = (await createUser({ email: "r@example.test", name: "R", roles: ["developer"] }, CLI_CONTEXT)).id;
});
afterAll(() => database.close());

const DAY = 86_400_000;

describe("the revocation view", () => {
  it("sees a revocation from the first read after revokeGrant returned", async () => {
    const issued = await issueTestToken({ userId, scopes: ["account:read"] });
    expect((await revocationState()).revokedGrants.has(issued.grantId)).toBe(false);
    await revokeGrant(issued.grantId, CLI_CONTEXT);
    const state = await revocationState();
    expect(state.revokedGrants.has(issued.grantId)).toBe(true);
    expect(state.revokedTokens.has(issued.jti)).toBe(true);
  });

  it("holds only what can still matter: grants revoked within a token lifetime, tokens until they expire", async () => {
    const old = await issueTestToken({ userId, scopes: ["account:read"] });
    await db().grant.update({ where: { id: old.grantId }, data: { revokedAt: new Date(Date.now() - 2 * DAY) } });
    await db().accessToken.update({ where: { jti: old.jti }, data: { revokedAt: new Date(Date.now() - 2 * DAY), expiresAt: new Date(Date.now() - DAY) } });
    const state = await loadRevocationState(db());
    expect(state.revokedGrants.has(old.grantId)).toBe(false);
    expect(state.revokedTokens.has(old.jti)).toBe(false);
  });

  it("loads the deny-list for tokens Portcullis did not issue, ignoring expired entries", async () => {
    await db().revocation.createMany({
      data: [
        { kind: "token", value: "ext-jti" },
        { kind: "client", value: "ext-client" },
        { kind: "user", value: "ext-user" },
        { kind: "token", value: "stale", expiresAt: new Date(Date.now() - 1000) },
      ],
    });
    const state = await loadRevocationState(db());
    expect([...state.deniedTokens]).toEqual(["ext-jti"]);
    expect([...state.deniedClients]).toEqual(["ext-client"]);
    expect([...state.deniedSubjects]).toEqual(["ext-user"]);
  });
});
