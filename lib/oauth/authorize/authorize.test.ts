import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { rejectClient } from "@/lib/clients/reject-client";
import { suspendClient } from "@/lib/clients/suspend-client";
import { db } from "@/lib/db/client";
import { revokeOwnGrant } from "@/lib/grants/revoke-own-grant";
import { openTestDatabase } from "@/test/support/db";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { hashCredential } from "@/lib/oauth/secrets";
import {
  authorize,
  authorizeUrl,
  decideConsent,
  exchangeCode,
  obtainCode,
  pkcePair,
  REDIRECT_URI,
  standardAuthorizeParams,
  testClient,
  testUser,
  TEST_ISSUER,
} from "@/test/support/oauth";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: SignedInUser;
let clientId: string;
const { challenge } = pkcePair();

beforeAll(async () => {
  database = await openTestDatabase();
  alice = await testUser(["reader"]);
  ({ clientId } = await testClient());
});
afterAll(() => database.close());

async function shown(response: Response) {
  const html = await response.text();
  return { status: response.status, error: html.match(/data-testid="oauth-error">([^<]+)</)?.[1], html, location: response.headers.get("location") };
}

function redirectedError(response: Response) {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  return Object.fromEntries(location.searchParams);
}

describe("authorization endpoint: errors shown on a page, never redirected", () => {
  it("refuses a request without client_id", async () => {
    const result = await shown(await authorize(authorizeUrl({ response_type: "code" }), alice));
    expect(result).toMatchObject({ status: 400, error: "invalid_request", location: null });
  });

  it("refuses an unknown client", async () => {
    const result = await shown(await authorize(authorizeUrl(standardAuthorizeParams("pcl_nope", challenge)), alice));
    expect(result).toMatchObject({ status: 400, error: "invalid_client", location: null });
    expect(result.html).toContain("No client is registered with this client_id.");
  });

  it("tells the user a pending client awaits approval, and issues no code", async () => {
    const pending = await testClient({ client_name: "Unreviewed <b>App</b>" }, { approve: false });
    const response = await authorize(authorizeUrl(standardAuthorizeParams(pending.clientId, challenge)), alice);
    const result = await shown(response);
    expect(result).toMatchObject({ status: 403, error: "unauthorized_client", location: null });
    expect(result.html).toContain("This app is waiting for approval");
    expect(result.html).toContain("Unreviewed &lt;b&gt;App&lt;/b&gt;");
    expect(await db().authorizationCode.count({ where: { clientId: pending.clientId } })).toBe(0);
  });

  it("sees an approval made by another process at once", async () => {
    const pending = await testClient({}, { approve: false });
    const url = authorizeUrl(standardAuthorizeParams(pending.clientId, challenge));
    expect((await authorize(url, alice)).status).toBe(403);
    // Approved elsewhere (the CLI): no change event has reached this process yet.
    await db().client.update({ where: { id: pending.clientId }, data: { status: "active" } });
    expect((await authorize(url, alice)).headers.get("location")).toContain("/oauth/consent?");
  });

  it("refuses rejected and suspended clients", async () => {
    const rejected = await testClient({}, { approve: false });
    await rejectClient(rejected.clientId, "unknown vendor", CLI_CONTEXT);
    const suspended = await testClient();
    await suspendClient(suspended.clientId, "incident 42", CLI_CONTEXT);
    for (const id of [rejected.clientId, suspended.clientId]) {
      const result = await shown(await authorize(authorizeUrl(standardAuthorizeParams(id, challenge)), alice));
      expect(result).toMatchObject({ status: 403, error: "unauthorized_client", location: null });
    }
  });

  it.each([
    ["missing", undefined],
    ["prefix trick", "http://127.0.0.1:33418/callback/../evil"],
    ["suffix trick", "http://127.0.0.1:33418/callback.evil.example"],
    ["extra path", "http://127.0.0.1:33418/callback/more"],
    ["another port", "http://127.0.0.1:33419/callback"],
    ["trailing slash", "http://127.0.0.1:33418/callback/"],
    ["case", "http://127.0.0.1:33418/Callback"],
    ["userinfo", "http://evil@127.0.0.1:33418/callback"],
    ["query added", "http://127.0.0.1:33418/callback?x=1"],
    ["host alias", "http://localhost:33418/callback"],
  ])("refuses a redirect_uri mismatch (%s) without redirecting", async (_name, redirectUri) => {
    const url = authorizeUrl({ ...standardAuthorizeParams(clientId, challenge), redirect_uri: redirectUri });
    const result = await shown(await authorize(url, alice));
    expect(result).toMatchObject({ status: 400, error: "invalid_request", location: null });
  });

  it("refuses repeated parameters", async () => {
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge));
    url.searchParams.append("redirect_uri", "https://evil.example/cb");
    expect(await shown(await authorize(url, alice))).toMatchObject({ status: 400, error: "invalid_request" });
    const scopeTwice = authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope: "clients:read" }));
    scopeTwice.searchParams.append("scope", "clients:write");
    const result = await shown(await authorize(scopeTwice, alice));
    expect(result).toMatchObject({ status: 400, error: "invalid_request" });
    expect(result.html).toContain("The scope parameter is repeated.");
  });
});

describe("authorization endpoint: errors redirected with state and iss", () => {
  it.each([
    ["no response_type", { response_type: undefined }, "invalid_request"],
    ["response_type token", { response_type: "token" }, "unsupported_response_type"],
    ["missing PKCE", { code_challenge: undefined, code_challenge_method: undefined }, "invalid_request"],
    ["plain PKCE", { code_challenge_method: "plain" }, "invalid_request"],
    ["PKCE method omitted (defaults to plain)", { code_challenge_method: undefined }, "invalid_request"],
    ["malformed challenge", { code_challenge: "short" }, "invalid_request"],
    ["a resource for another server", { resource: "https://other.example/mcp" }, "invalid_target"],
    ["a resource with a trailing slash", { resource: `${TEST_ISSUER}/mcp/` }, "invalid_target"],
    ["an unknown scope", { scope: "clients:read nuclear:launch" }, "invalid_scope"],
    ["prompt=login", { prompt: "login" }, "invalid_request"],
    ["response_mode=fragment", { response_mode: "fragment" }, "invalid_request"],
    ["response_mode=form_post", { response_mode: "form_post" }, "invalid_request"],
  ])("%s", async (_name, override, error) => {
    const url = authorizeUrl({ ...standardAuthorizeParams(clientId, challenge), ...override });
    const params = redirectedError(await authorize(url, alice));
    expect(params).toMatchObject({ error, state: "st-123", iss: TEST_ISSUER });
    expect(params.code).toBeUndefined();
  });

  it("names the one response mode it supports, and accepts response_mode=query", async () => {
    const refused = redirectedError(await authorize(authorizeUrl(standardAuthorizeParams(clientId, challenge, { response_mode: "fragment" })), alice));
    expect(refused.error_description).toBe("response_mode=fragment is not supported; this server answers only with response_mode=query.");
    const accepted = await authorize(authorizeUrl(standardAuthorizeParams(clientId, challenge, { response_mode: "query" })), alice);
    expect(accepted.headers.get("location")).toContain("/oauth/consent?");
  });

  it("refuses a client that did not register the authorization_code grant", async () => {
    const device = await testClient({ grant_types: ["urn:ietf:params:oauth:grant-type:device_code"], response_types: [], redirect_uris: [REDIRECT_URI] });
    const params = redirectedError(await authorize(authorizeUrl(standardAuthorizeParams(device.clientId, challenge)), alice));
    expect(params.error).toBe("unauthorized_client");
  });
});

describe("authorization endpoint: sign-in, consent, code", () => {
  it("sends a signed-out user to sign in and then to this exact request's consent", async () => {
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge));
    const response = await authorize(url, null);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!, TEST_ISSUER);
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("from")).toBe(`/oauth/consent${url.search}`);
  });

  it("asks for consent, then issues a one-time code bound to the request, with state and iss", async () => {
    const user = await testUser(["reader"]);
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope: "account:read clients:read clients:write" }));
    const first = await authorize(url, user);
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(`/oauth/consent${url.search}`);

    const decided = await decideConsent(url, user, "allow", (scopes) => scopes.filter((s) => s !== "account:read"));
    expect(decided.status).toBe(303);
    const location = new URL(decided.headers.get("location")!);
    expect(location.searchParams.get("state")).toBe("st-123");
    expect(location.searchParams.get("iss")).toBe(TEST_ISSUER);
    const code = location.searchParams.get("code")!;
    const stored = await db().authorizationCode.findUniqueOrThrow({ where: { codeHash: hashCredential(code) } });
    // clients:write was requested, but the reader role lacks it; account:read was unticked.
    expect(stored).toMatchObject({ clientId, userId: user.id, redirectUri: REDIRECT_URI, codeChallenge: challenge, scopes: ["clients:read"] });
    expect(stored.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    const [event] = await listAuditEvents(db(), { kinds: ["authorization.granted"], limit: 1 });
    expect(event).toMatchObject({ subject: user.id, clientId, scopes: ["clients:read"] });
  });

  it("remembers consent per user, client and scopes", async () => {
    const user = await testUser(["reader"]);
    const scoped = (scope: string) => authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope }));
    await decideConsent(scoped("clients:read"), user, "allow");
    const again = await authorize(scoped("clients:read"), user);
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get("location")!).searchParams.get("code")).toMatch(/^pcc_/);
    // A scope not consented to yet brings the consent screen back.
    const wider = await authorize(scoped("clients:read policy:read"), user);
    expect(wider.headers.get("location")).toContain("/oauth/consent?");
    // prompt=consent asks again even when remembered.
    const forced = await authorize(authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope: "clients:read", prompt: "consent" })), user);
    expect(forced.headers.get("location")).toContain("/oauth/consent?");
  });

  it("answers prompt=none with login_required or consent_required", async () => {
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge, { prompt: "none" }));
    expect(redirectedError(await authorize(url, null))).toMatchObject({ error: "login_required", error_description: "The user is not signed in." });
    expect(redirectedError(await authorize(url, await testUser(["reader"])))).toMatchObject({
      error: "consent_required",
      error_description: "The user has not consented to this request.",
    });
  });

  it("binds remembered consent to the redirect URI it was given for", async () => {
    const other = "http://127.0.0.1:33418/other-callback";
    const twoUris = await testClient({ redirect_uris: [REDIRECT_URI, other] });
    const user = await testUser(["reader"]);
    await decideConsent(authorizeUrl(standardAuthorizeParams(twoUris.clientId, challenge, { scope: "clients:read" })), user, "allow");
    expect(await db().consent.findUniqueOrThrow({ where: { userId_clientId: { userId: user.id, clientId: twoUris.clientId } } })).toMatchObject({
      scopes: ["clients:read"],
      redirectUri: REDIRECT_URI,
    });
    const silent = (extra: Record<string, string>) =>
      authorize(authorizeUrl(standardAuthorizeParams(twoUris.clientId, challenge, { scope: "clients:read", prompt: "none", ...extra })), user);
    expect(new URL((await silent({})).headers.get("location")!).searchParams.get("code")).toMatch(/^pcc_/);
    // The same client and scope, sent to its other redirect URI: asked again, no code.
    const elsewhere = new URL((await silent({ redirect_uri: other })).headers.get("location")!);
    expect(`${elsewhere.origin}${elsewhere.pathname}`).toBe(other);
    expect(Object.fromEntries(elsewhere.searchParams)).toMatchObject({ error: "consent_required" });
    expect(elsewhere.searchParams.get("code")).toBeNull();
    // A scope never consented to: asked again, no code.
    expect(redirectedError(await silent({ scope: "clients:read policy:read" })).error).toBe("consent_required");
    // A consent remembered before redirect URIs were: asked again.
    await db().consent.update({ where: { userId_clientId: { userId: user.id, clientId: twoUris.clientId } }, data: { redirectUri: null } });
    expect(redirectedError(await silent({})).error).toBe("consent_required");
  });

  it("asks again after the user revokes the client: prompt=none gets consent_required, not a new code (RFC 6749 §10.2)", async () => {
    const user = await testUser(["reader"]);
    const { code, verifier } = await obtainCode(clientId, user, { scope: "clients:read" });
    expect((await exchangeCode(clientId, code, verifier)).status).toBe(200);
    const silent = () => authorize(authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope: "clients:read", prompt: "none" })), user);
    expect(new URL((await silent()).headers.get("location")!).searchParams.get("code")).toMatch(/^pcc_/);
    const grant = await db().grant.findFirstOrThrow({ where: { userId: user.id, clientId, revokedAt: null } });
    await revokeOwnGrant(grant.id, user.id, { actor: `user:${user.id}` });
    const after = redirectedError(await silent());
    expect(after).toMatchObject({ error: "consent_required", error_description: "The user has not consented to this request.", state: "st-123" });
    expect(after.code).toBeUndefined();
  });

  it("sends access_denied when the user denies, and records it", async () => {
    const user = await testUser(["reader"]);
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge));
    const response = await decideConsent(url, user, "deny");
    expect(response.status).toBe(303);
    const params = Object.fromEntries(new URL(response.headers.get("location")!).searchParams);
    expect(params).toMatchObject({ error: "access_denied", state: "st-123", iss: TEST_ISSUER });
    const [event] = await listAuditEvents(db(), { kinds: ["authorization.denied"], limit: 1 });
    expect(event).toMatchObject({ subject: user.id, clientId });
  });
});

describe("consent form protection", () => {
  async function post(url: URL, user: SignedInUser, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const { handleConsentDecision } = await import("@/lib/oauth/authorize/handle-consent-decision");
    const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), ...fields });
    return handleConsentDecision(
      new Request(`${TEST_ISSUER}/oauth/authorize`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: TEST_ISSUER, ...headers },
        body: form.toString(),
      }),
      user,
      { actor: "anonymous" },
    );
  }

  it("refuses a decision without a valid consent token (forged form)", async () => {
    const user = await testUser(["reader"]);
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge));
    const response = await post(url, user, { decision: "allow", grant_scope: "clients:read", consent_token: "forged" });
    expect(await shown(response)).toMatchObject({ status: 403, error: "access_denied", location: null });
  });

  it("refuses another user's consent token, and a token for another request", async () => {
    const victim = await testUser(["reader"]);
    const attacker = await testUser(["reader"]);
    const { prepareConsentScreen } = await import("@/lib/oauth/authorize/prepare-consent-screen");
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge));
    const attackerScreen = (await prepareConsentScreen(url.searchParams, attacker, { actor: "x" }))!;
    const stolen = await post(url, victim, { decision: "allow", grant_scope: "clients:read", consent_token: attackerScreen.consentToken });
    expect(stolen.status).toBe(403);
    const otherState = authorizeUrl(standardAuthorizeParams(clientId, challenge, { state: "other" }));
    const victimScreen = (await prepareConsentScreen(url.searchParams, victim, { actor: "x" }))!;
    const moved = await post(otherState, victim, { decision: "allow", grant_scope: "clients:read", consent_token: victimScreen.consentToken });
    expect(moved.status).toBe(403);
  });

  it("refuses a form posted from another site", async () => {
    const user = await testUser(["reader"]);
    const response = await post(authorizeUrl(standardAuthorizeParams(clientId, challenge)), user, { decision: "allow" }, { Origin: "https://evil.example" });
    expect(await shown(response)).toMatchObject({ status: 403, error: "access_denied" });
  });

  it("grants only what the user may grant, whatever the form claims", async () => {
    const user = await testUser(["reader"]);
    const url = authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope: "clients:read clients:write" }));
    const response = await decideConsent(url, user, "allow", () => ["clients:read", "clients:write", "users:write"]);
    const code = new URL(response.headers.get("location")!).searchParams.get("code")!;
    const stored = await db().authorizationCode.findUniqueOrThrow({ where: { codeHash: hashCredential(code) } });
    expect(stored.scopes).toEqual(["clients:read"]);
  });
});
