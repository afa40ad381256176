import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { openTestDatabase } from "@/test/support/db";
import { rotateSigningKeys } from "@/lib/keys";
import { verifyAccessTokenCached } from "@/lib/mcp/verify-access-token-cached";
import { mintAccessToken } from "@/lib/access-tokens/mint-access-token";
import * as verification from "@/lib/access-tokens/verify-access-token";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const grant = { subject: "u1", clientId: "c1", scopes: ["account:read"], grantId: "g1" };

describe("verifyAccessTokenCached", () => {
  it("verifies a token's signature once, then trusts only that exact token string", async () => {
    const spy = vi.spyOn(verification, "verifyAccessToken");
    const { token, claims } = await mintAccessToken(grant);
    expect(await verifyAccessTokenCached(token)).toEqual(claims);
    expect(await verifyAccessTokenCached(token)).toEqual(claims);
    expect(spy).toHaveBeenCalledTimes(1);
    const [h, p, s] = token.split(".");
    const tampered = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
    await expect(verifyAccessTokenCached(tampered)).rejects.toMatchObject({ why: "token signature is invalid" });
    spy.mockRestore();
  });

  it("re-checks expiry on every use", async () => {
    const { token, claims } = await mintAccessToken({ ...grant, ttlSeconds: 60 });
    await verifyAccessTokenCached(token);
    await expect(verifyAccessTokenCached(token, (claims.exp + 6) * 1000)).rejects.toMatchObject({ why: "token has expired" });
  });

  it("forgets everything when the signing keys change", async () => {
    const spy = vi.spyOn(verification, "verifyAccessToken");
    const { token } = await mintAccessToken(grant);
    await verifyAccessTokenCached(token);
    await rotateSigningKeys(CLI_CONTEXT);
    await verifyAccessTokenCached(token);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});
