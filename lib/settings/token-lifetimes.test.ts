import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { prepareTokens } from "@/lib/issuance/prepare-tokens";
import { listSigningKeys } from "@/lib/keys/list-signing-keys";
import { rotateSigningKeys } from "@/lib/keys/rotate-signing-keys";
import { defaultTokenLifetimes, tokenLifetimes } from "@/lib/settings/token-lifetimes";
import { updateTokenLifetimes } from "@/lib/settings/update-token-lifetimes";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const prepare = () => prepareTokens({ grantId: "g", subject: "u", clientId: "c", scopes: ["account:read"], resource: "http://localhost:3999/mcp", refreshScopes: ["account:read"] });

describe("token lifetimes", () => {
  it("default to the environment's until changed in the console", async () => {
    expect(defaultTokenLifetimes()).toEqual({ accessTokenSeconds: 600, refreshTokenSeconds: 2_592_000 });
    expect(await tokenLifetimes()).toEqual(defaultTokenLifetimes());
    const { access } = await prepare();
    expect(access.claims.exp - access.claims.iat).toBe(600);
  });

  it("apply to the next token issued once changed, audited with before and after", async () => {
    await updateTokenLifetimes({ accessTokenSeconds: 900, refreshTokenSeconds: 86_400 }, { actor: "user:admin" });
    const { access, refresh } = await prepare();
    expect(access.claims.exp - access.claims.iat).toBe(900);
    expect(Math.round((refresh!.expiresAt.getTime() - Date.now()) / 1000)).toBeGreaterThan(86_390);
    expect(Math.round((refresh!.expiresAt.getTime() - Date.now()) / 1000)).toBeLessThanOrEqual(86_400);
    const event = await db().auditEvent.findFirstOrThrow({ where: { kind: "settings.changed" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({
      actor: "user:admin",
      reason: "token lifetimes changed: access 600s → 900s, refresh 2592000s → 86400s",
      detail: { key: "token_lifetimes", value: { accessTokenSeconds: 900, refreshTokenSeconds: 86_400 } },
    });
  });

  it.each([
    [{ accessTokenSeconds: 10, refreshTokenSeconds: 3600 }, "The access-token lifetime must be at least 30 seconds."],
    [{ accessTokenSeconds: 86_401, refreshTokenSeconds: 100_000 }, "The access-token lifetime must be at most 86400 seconds."],
    [{ accessTokenSeconds: 600, refreshTokenSeconds: 400 * 86_400 }, "The refresh-token lifetime must be at most 31536000 seconds."],
    [{ accessTokenSeconds: 3600, refreshTokenSeconds: 3600 }, "A refresh token must outlive the access tokens it renews."],
    [{ accessTokenSeconds: 60.5, refreshTokenSeconds: 3600 }, "The access-token lifetime must be a whole number of seconds."],
  ])("refuses out-of-bounds lifetimes %#, changing nothing", async (input, message) => {
    await expect(updateTokenLifetimes(input, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input", message });
    expect((await tokenLifetimes()).accessTokenSeconds).toBe(900);
  });
});

describe("key rotation", () => {
  it("keeps the retired key published until the longest-lived recorded token has expired", async () => {
    const user = await db().user.create({ data: { email: "k@example.test", name: "K" } });
    const client = await db().client.create({ data: { id: "k-client", name: "K", status: "active", source: "manual" } });
    const grant = await db().grant.create({ data: { userId: user.id, clientId: client.id, scopes: [], resource: "r", grantType: "authorization_code" } });
    // Issued under an earlier, longer lifetime: the window must cover it, not just today's 900 s.
    const longLived = new Date(Date.now() + 6 * 3600_000);
    await db().accessToken.create({ data: { jti: "long-lived", grantId: grant.id, scopes: [], expiresAt: longLived } });
    const [before] = await listSigningKeys(db());
    const rotated = await rotateSigningKeys({ actor: "user:admin" });
    expect(rotated.retired).toEqual([before.kid]);
    expect(rotated.publishUntil.getTime() - longLived.getTime()).toBe(60_000);
    const keys = await listSigningKeys(db());
    expect(keys.slice(0, 2).map((k) => [k.kid, k.state])).toEqual([
      [rotated.kid, "active"],
      [before.kid, "published"],
    ]);

    await db().accessToken.delete({ where: { jti: "long-lived" } });
    const again = await rotateSigningKeys(CLI_CONTEXT);
    const expected = Date.now() + (900 + 60) * 1000;
    expect(Math.abs(again.publishUntil.getTime() - expected)).toBeLessThan(5_000);
  });
});
