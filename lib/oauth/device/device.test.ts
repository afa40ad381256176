import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { decideDeviceRequest } from "@/lib/oauth/device/decide-device-request";
import { handleDeviceAuthorizationRequest } from "@/lib/oauth/device/handle-device-authorization-request";
import { prepareDeviceScreen } from "@/lib/oauth/device/prepare-device-screen";
import { formatUserCode, generateUserCode, normalizeUserCode } from "@/lib/oauth/device/user-code";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { hashCredential } from "@/lib/oauth/secrets";
import { formRequest, readJson, testClient, testUser, token, TEST_ISSUER, TEST_RESOURCE } from "@/test/support/oauth";
import { verifyAccessToken } from "@/lib/access-tokens/verify-access-token";
import { decodeJwt } from "jose";
import { CLI_CONTEXT } from "@/lib/audit";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { startOwnUpstream } from "@/test/support/upstreams";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let user: SignedInUser;
let cli: { clientId: string };

beforeAll(async () => {
  database = await openTestDatabase();
  user = await testUser(["reader"]);
  cli = await testClient({ client_name: "portcullis-cli", grant_types: [DEVICE_GRANT, "refresh_token"], response_types: [], redirect_uris: [] });
});
afterAll(() => database.close());
afterEach(() => vi.useRealTimers());

async function startDevice(params: Record<string, string>) {
  const response = await handleDeviceAuthorizationRequest(formRequest("/oauth/device_authorization", params)).catch(oauthErrorResponse);
  return { status: response.status, body: await readJson(response) };
}

const poll = (deviceCode: string, clientId = cli.clientId) => token({ grant_type: DEVICE_GRANT, client_id: clientId, device_code: deviceCode });
/** Moves the last poll into the past, as if the client had waited its interval. */
const waitInterval = (deviceCode: string) =>
  db().deviceCode.update({ where: { deviceCodeHash: hashCredential(deviceCode) }, data: { lastPolledAt: new Date(Date.now() - 60_000) } });

describe("user codes", () => {
  it("are 8 consonants, shown with a dash, read back in any case and spacing", () => {
    const code = generateUserCode();
    expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    expect(normalizeUserCode(formatUserCode(code).toLowerCase())).toBe(code);
    expect(normalizeUserCode(` ${code.slice(0, 4)} ${code.slice(4)} `)).toBe(code);
    expect(normalizeUserCode("AEIOU123")).toBeNull();
    expect(normalizeUserCode("BCDF")).toBeNull();
  });
});

describe("device authorization grant (RFC 8628)", () => {
  it("issues device and user codes, then tokens once the user approves", async () => {
    const start = await startDevice({ client_id: cli.clientId, scope: "clients:read policy:read", resource: TEST_RESOURCE });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ verification_uri: `${TEST_ISSUER}/oauth/device`, expires_in: 600, interval: 5 });
    expect(start.body.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(start.body.verification_uri_complete).toBe(`${TEST_ISSUER}/oauth/device?user_code=${start.body.user_code}`);
    expect(start.body.device_code).toMatch(/^pcd_/);

    expect(await poll(start.body.device_code)).toMatchObject({ status: 400, body: { error: "authorization_pending" } });
    // Polling again at once is too fast.
    expect(await poll(start.body.device_code)).toMatchObject({ status: 400, body: { error: "slow_down" } });
    const row = await db().deviceCode.findUniqueOrThrow({ where: { deviceCodeHash: hashCredential(start.body.device_code) } });
    expect(row.interval).toBe(10);

    const screen = (await prepareDeviceScreen(start.body.user_code.toLowerCase(), user.id))!;
    expect(screen).toMatchObject({ clientName: "portcullis-cli", userCode: start.body.user_code, clientStatus: "active" });
    expect(screen.scopes.map((s) => s.name)).toEqual(["clients:read", "policy:read"]);
    await decideDeviceRequest({ userCode: start.body.user_code, userId: user.id, decision: "allow", chosenScopes: ["clients:read"], ctx: { actor: `user:${user.id}` } });

    await waitInterval(start.body.device_code);
    const tokens = await poll(start.body.device_code);
    expect(tokens).toMatchObject({ status: 200, body: { token_type: "Bearer", scope: "clients:read" } });
    expect(tokens.body.refresh_token).toMatch(/^pcr_/);
    expect(await verifyAccessToken(tokens.body.access_token)).toMatchObject({ sub: user.id, client_id: cli.clientId });
    const [granted] = await listAuditEvents(db(), { kinds: ["authorization.granted"], limit: 1 });
    expect(granted).toMatchObject({ subject: user.id, clientId: cli.clientId, scopes: ["clients:read"] });

    // The device code works once; presented again, the grant it produced is revoked.
    const again = await poll(start.body.device_code);
    expect(again).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await token({ grant_type: "refresh_token", client_id: cli.clientId, refresh_token: tokens.body.refresh_token })).body.error).toBe("invalid_grant");
  });

  it("answers access_denied after the user denies", async () => {
    const start = await startDevice({ client_id: cli.clientId });
    await decideDeviceRequest({ userCode: start.body.user_code, userId: user.id, decision: "deny", chosenScopes: [], ctx: { actor: "x" } });
    expect(await poll(start.body.device_code)).toMatchObject({ status: 400, body: { error: "access_denied" } });
  });

  it("answers expired_token after the code's lifetime", async () => {
    const start = await startDevice({ client_id: cli.clientId });
    await db().deviceCode.update({ where: { deviceCodeHash: hashCredential(start.body.device_code) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await poll(start.body.device_code)).toMatchObject({ status: 400, body: { error: "expired_token" } });
    expect(await prepareDeviceScreen(start.body.user_code, user.id)).toBeNull();
  });

  it("refuses a device code of another client, and an unknown one", async () => {
    const other = await testClient({ grant_types: [DEVICE_GRANT], response_types: [], redirect_uris: [] });
    const start = await startDevice({ client_id: cli.clientId });
    expect(await poll(start.body.device_code, other.clientId)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await poll("pcd_nothing")).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses pending clients, clients without the grant, unknown scopes and other resources", async () => {
    const pending = await testClient({ grant_types: [DEVICE_GRANT], response_types: [], redirect_uris: [] }, { approve: false });
    expect(await startDevice({ client_id: pending.clientId })).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    const web = await testClient();
    expect(await startDevice({ client_id: web.clientId })).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    expect(await startDevice({ client_id: cli.clientId, scope: "root" })).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    expect(await startDevice({ client_id: cli.clientId, resource: "https://other.example/mcp" })).toMatchObject({ status: 400, body: { error: "invalid_target" } });
    expect(await startDevice({ client_id: "pcl_ghost" })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("limits how many codes one user may try", async () => {
    const guesser = await testUser(["reader"]);
    for (let i = 0; i < 20; i++) expect(await prepareDeviceScreen("BCDF-GHJK", guesser.id)).toBeNull();
    await expect(prepareDeviceScreen("BCDF-GHJK", guesser.id)).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("counts answers against the same per-user limit as lookups, before looking the code up", async () => {
    const guesser = await testUser(["reader"]);
    const start = await startDevice({ client_id: cli.clientId, scope: "account:read" });
    for (let i = 0; i < 20; i++) {
      await expect(decideDeviceRequest({ userCode: "BCDF-GHJK", userId: guesser.id, decision: "allow", chosenScopes: [], ctx: { actor: `user:${guesser.id}` } })).rejects.toMatchObject({ code: "not_found" });
    }
    // Even a real code is refused now: the 21st try is over the limit whatever it names.
    await expect(decideDeviceRequest({ userCode: start.body.user_code, userId: guesser.id, decision: "allow", chosenScopes: ["account:read"], ctx: { actor: `user:${guesser.id}` } })).rejects.toMatchObject({ code: "rate_limited" });
    expect((await db().deviceCode.findUniqueOrThrow({ where: { deviceCodeHash: hashCredential(start.body.device_code) } })).status).toBe("pending");
  });

  it("limits device authorization requests per address bucket: 429 temporarily_unavailable with Retry-After", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / 600_000) * 600_000 + 1_000);
    const from = (i: number) => ({ "x-portcullis-client-ip": `2001:db8:dead:beef::${i.toString(16)}` });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 1; i <= 21; i++) {
      last = await handleDeviceAuthorizationRequest(formRequest("/oauth/device_authorization", { client_id: cli.clientId }, { headers: from(i) })).catch(oauthErrorResponse);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(last!.status).toBe(429);
    expect(await readJson(last!)).toEqual({ error: "temporarily_unavailable", error_description: expect.stringMatching(/^Too many device authorization requests from this address; retry in \d+ seconds\.$/) });
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another /64 is another address.
    const other = await handleDeviceAuthorizationRequest(formRequest("/oauth/device_authorization", { client_id: cli.clientId }, { headers: { "x-portcullis-client-ip": "2001:db8:dead:bef0::1" } }));
    expect(other.status).toBe(200);
  });
});

describe("device authorization for a registered upstream server (DESIGN §10)", () => {
  it("issues a token whose audience is exactly /mcp/<name>, names the server on the device page, refuses an unregistered one", async () => {
    const upstream = await startOwnUpstream(0);
    try {
      await addUpstreamServer({ name: "devsrv", url: upstream.url, acceptAll: true }, CLI_CONTEXT);
      const resource = `${TEST_ISSUER}/mcp/devsrv`;
      const start = await startDevice({ client_id: cli.clientId, scope: "clients:read", resource });
      expect(start.status).toBe(200);
      const screen = (await prepareDeviceScreen(start.body.user_code, user.id))!;
      expect(screen.server).toBe("devsrv");
      await decideDeviceRequest({ userCode: start.body.user_code, userId: user.id, decision: "allow", chosenScopes: ["clients:read"], ctx: { actor: `user:${user.id}` } });
      await waitInterval(start.body.device_code);
      const tokens = await poll(start.body.device_code);
      expect(tokens.status).toBe(200);
      expect(decodeJwt(tokens.body.access_token).aud).toBe(resource);
      // A server nobody registered is no resource of this deployment.
      expect(await startDevice({ client_id: cli.clientId, resource: `${TEST_ISSUER}/mcp/ghost` })).toMatchObject({ status: 400, body: { error: "invalid_target" } });
      expect((await prepareDeviceScreen((await startDevice({ client_id: cli.clientId })).body.user_code, user.id))!.server).toBeNull();
    } finally {
      await closeUpstreams();
      await upstream.stop();
    }
  });
});
