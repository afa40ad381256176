import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { insertAccessTokens, markGrantsLive } from "@/lib/issuance/access-token-sql";
import { createGrant } from "@/lib/issuance/create-grant";
import { openTestDatabase } from "@/test/support/db";
import { testClient } from "@/test/support/oauth";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let newGrant: () => Promise<string>;
beforeAll(async () => {
  database = await openTestDatabase();
  const userId = (await createUser({ email: "svc-sql@example.test", name: "Svc", kind: "service", roles: ["reader"] }, CLI_CONTEXT)).id;
  const { clientId } = await testClient(
    { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
    { serviceUser: "svc-sql@example.test" },
  );
  newGrant = () =>
    db().$transaction((tx) => createGrant(tx, { userId, clientId, scopes: ["clients:read"], resource: "http://localhost:3000/mcp", grantType: "client_credentials" }));
});
afterAll(() => database.close());

const COLUMNS = { jtis: "$1", grantIds: "$2", scopes: "$3", issuedAt: "$4", expiresAt: "$5" };

describe("the token write's SQL", () => {
  it("markGrantsLive returns only the grants not revoked, and marks them used", async () => {
    const [live, revoked] = [await newGrant(), await newGrant()];
    await revokeGrant(revoked, CLI_CONTEXT, "test");
    await db().grant.update({ where: { id: live }, data: { lastUsedAt: new Date(0) } });
    const rows = await db().$queryRawUnsafe<Array<{ id: string }>>(markGrantsLive("$1"), [live, revoked, "no-such-grant"]);
    expect(rows.map((r) => r.id)).toEqual([live]);
    expect((await db().grant.findUniqueOrThrow({ where: { id: live } })).lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("insertAccessTokens writes one row per element, with its scopes and instants exactly", async () => {
    const grantId = await newGrant();
    const issuedAt = new Date("2026-01-02T03:04:05.678Z");
    const expiresAt = new Date("2026-01-02T03:14:05.678Z");
    const written = await db().$executeRawUnsafe(
      insertAccessTokens(COLUMNS),
      ["jti-a", "jti-b"],
      [grantId, grantId],
      ["clients:read", "clients:read audit:read"],
      [issuedAt.toISOString(), issuedAt.toISOString()],
      [expiresAt.toISOString(), expiresAt.toISOString()],
    );
    expect(written).toBe(2);
    const rows = await db().accessToken.findMany({ where: { grantId }, orderBy: { jti: "asc" } });
    expect(rows.map((r) => ({ jti: r.jti, scopes: r.scopes, issuedAt: r.issuedAt, expiresAt: r.expiresAt, revokedAt: r.revokedAt }))).toEqual([
      { jti: "jti-a", scopes: ["clients:read"], issuedAt, expiresAt, revokedAt: null },
      { jti: "jti-b", scopes: ["clients:read", "audit:read"], issuedAt, expiresAt, revokedAt: null },
    ]);
  });

  it("insertAccessTokens writes nothing when its condition is false", async () => {
    const grantId = await newGrant();
    const now = new Date().toISOString();
    const sql = insertAccessTokens(COLUMNS, "false");
    expect(await db().$executeRawUnsafe(sql, ["jti-none"], [grantId], ["clients:read"], [now], [now])).toBe(0);
    expect(await db().accessToken.count({ where: { grantId } })).toBe(0);
  });
});
