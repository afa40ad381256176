import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, globalAgent, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { approveClient } from "@/lib/clients/approve-client";
import { getClientEvidence } from "@/lib/clients/get-client-evidence";
import { suspendClient } from "@/lib/clients/suspend-client";
import { clientIdUrlProblem, fetchClientMetadataDocument, forgetClientMetadataDocuments } from "@/lib/clients/fetch-client-metadata-document";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { reloadEnv } from "@/lib/env";
import {
  authorize,
  authorizeUrl,
  decideConsent,
  exchangeCode,
  obtainCode,
  pkcePair,
  REDIRECT_URI,
  standardAuthorizeParams,
  TEST_ISSUER,
  testUser,
  token,
} from "@/test/support/oauth";
import { signAssertion, testKeyPair, type TestKeyPair } from "@/test/support/signed-assertions";
import { calculateJwkThumbprint } from "jose";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { DEFAULT_REGISTRATION_POLICY } from "@/lib/settings/registration-policy";
import { updateRegistrationPolicy } from "@/lib/settings/update-registration-policy";

/** A local HTTPS server standing in for a client's website, with a certificate made for this test run. */
let server: Server;
let base: string;
let certDir: string;
const hits = new Map<string, number>();
type Reply = { status?: number; type?: string; headers?: Record<string, string>; body: string | ((url: string) => string); delayMs?: number };
const routes = new Map<string, Reply>();

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let user: SignedInUser;
const { challenge } = pkcePair();

function document(path: string, extra: Record<string, unknown> = {}) {
  return (url: string) => JSON.stringify({ client_id: url, client_name: `Doc ${path}`, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: "none", ...extra });
}

function serve(path: string, reply: Reply): string {
  routes.set(path, reply);
  return `${base}${path}`;
}

async function policyVersion(): Promise<bigint> {
  return (await db().changeEpoch.findUnique({ where: { topic: "policy" } }))?.version ?? 0n;
}

/** A document served without caching whose redirect URIs (and grant types) the test changes between requests. */
function changingDocument(path: string, initial: { redirect_uris: string[]; grant_types?: string[] } & Record<string, unknown>) {
  const state = { ...initial };
  const url = serve(path, {
    body: (u) => JSON.stringify({ client_id: u, client_name: `Changing ${path}`, token_endpoint_auth_method: "none", ...state }),
    headers: { "Cache-Control": "no-store" },
  });
  return { url, state };
}

/**
 * The client's site changed its document and the minimum cache lifetime has passed: the next request that names the
 * client fetches it again (as it would 60 s later).
 */
async function documentChanged(url: string) {
  await db().client.update({ where: { id: url }, data: { metadataExpiresAt: new Date(Date.now() - 1) } });
  forgetClientMetadataDocuments();
}

function setAllowPrivate(allow: boolean) {
  reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: allow ? "true" : "false" });
}

async function shownError(clientId: string) {
  const response = await authorize(authorizeUrl(standardAuthorizeParams(clientId, challenge)), user);
  const html = await response.text();
  return { status: response.status, error: html.match(/data-testid="oauth-error">([^<]+)</)?.[1], html };
}

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), "portcullis-cimd-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", join(certDir, "key.pem"), "-out", join(certDir, "cert.pem"), "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  const cert = readFileSync(join(certDir, "cert.pem"));
  // The fetcher uses Node's default agent: trust the test certificate there, as an operator would with a private CA.
  globalAgent.options.ca = cert;
  server = createServer({ key: readFileSync(join(certDir, "key.pem")), cert }, (req, res) => {
    const path = req.url ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const reply = routes.get(path);
    if (!reply) return void res.writeHead(404).end();
    const send = () => {
      const url = `${base}${path}`;
      res.writeHead(reply.status ?? 200, { "Content-Type": reply.type ?? "application/json", ...reply.headers });
      res.end(typeof reply.body === "function" ? reply.body(url) : reply.body);
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://localhost:${(server.address() as { port: number }).port}`;
  database = await openTestDatabase();
  user = await testUser(["reader"]);
});

afterAll(async () => {
  setAllowPrivate(false);
  globalAgent.options.ca = undefined;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(certDir, { recursive: true, force: true });
  await database.close();
});

beforeEach(() => setAllowPrivate(true));
afterEach(() => vi.useRealTimers());

describe("client ID metadata document URLs", () => {
  it.each([
    ["https://app.example/client.json", null],
    ["https://app.example/oauth/client?v=2", null],
    ["http://app.example/client.json", "must use https"],
    ["https://app.example/", "must have a path"],
    ["https://app.example", "must have a path"],
    ["https://app.example/a/../client.json", "must not contain . or .. path segments"],
    ["https://app.example/./client.json", "must not contain . or .. path segments"],
    ["https://app.example/client.json#x", "must not contain a fragment"],
    ["https://user@app.example/client.json", "must not contain userinfo"],
    ["https://APP.example/client.json", "is not in canonical form (https://app.example/client.json)"],
    ["https://app.example:443/client.json", "is not in canonical form (https://app.example/client.json)"],
  ])("%s → %s", (url, problem) => {
    expect(clientIdUrlProblem(url)).toBe(problem);
  });
});

describe("fetching a client ID metadata document", () => {
  it("refuses a host that resolves to a private address unless development allows it", async () => {
    setAllowPrivate(false);
    const url = serve("/private.json", { body: document("/private.json") });
    const result = await shownError(url);
    expect(result).toMatchObject({ status: 400, error: "invalid_client" });
    expect(result.html).toContain("resolves to a private address (127.0.0.1)");
    expect(hits.get("/private.json")).toBeUndefined();
    expect(await db().client.findUnique({ where: { id: url } })).toBeNull();
    await expect(fetchClientMetadataDocument(`https://127.0.0.1:1/x.json`, { allowPrivate: false })).rejects.toThrow("client_id URL points to a private address (127.0.0.1)");
    await expect(fetchClientMetadataDocument(`https://[::1]:1/x.json`, { allowPrivate: false })).rejects.toThrow("private address (::1)");
  });

  it("creates a pending client keyed by the URL, which an admin approves like any other", async () => {
    const url = serve("/app.json", { body: document("/app.json", { scope: "clients:read" }), headers: { "Cache-Control": "max-age=300" } });
    const pending = await shownError(url);
    expect(pending.status).toBe(403);
    expect(pending.html).toContain("This app is waiting for approval");
    const client = await db().client.findUniqueOrThrow({ where: { id: url } });
    expect(client).toMatchObject({ source: "cimd", status: "pending", name: "Doc /app.json", tokenEndpointAuthMethod: "none", allowedScopes: ["clients:read"] });
    expect(client.metadataExpiresAt!.getTime() - client.metadataFetchedAt!.getTime()).toBe(300_000);
    await approveClient(url, "known vendor", CLI_CONTEXT);
    const response = await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    expect(response.headers.get("location")).toContain("/oauth/consent?");
    // Cached per Cache-Control: fetched once for both requests.
    expect(hits.get("/app.json")).toBe(1);
    // The token endpoint knows the client by its URL too.
    expect(
      await token({ grant_type: "authorization_code", client_id: url, code: "pcc_x", code_verifier: "v".repeat(43), redirect_uri: REDIRECT_URI }),
    ).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "The authorization code is invalid." } });
  });

  it("keeps a no-store document for the minimum lifetime, then fetches again and records a new name without a policy change", async () => {
    let name = "Before";
    const url = serve("/nocache.json", { body: (u) => JSON.stringify({ client_id: u, client_name: name, redirect_uris: [REDIRECT_URI] }), headers: { "Cache-Control": "no-store" } });
    await shownError(url);
    await approveClient(url, "ok", CLI_CONTEXT);
    const first = await db().client.findUniqueOrThrow({ where: { id: url } });
    expect(first.metadataExpiresAt!.getTime() - first.metadataFetchedAt!.getTime()).toBe(60_000);
    name = "After";
    const policyBefore = await policyVersion();
    // Within the minimum lifetime, `no-store` notwithstanding, nobody fetches it again.
    for (let i = 0; i < 5; i++) await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    expect(hits.get("/nocache.json")).toBe(1);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    vi.useRealTimers();
    expect(hits.get("/nocache.json")).toBe(2);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ name: "After", status: "active" });
    const updated = await db().auditEvent.findFirst({ where: { kind: "client.updated", clientId: url } });
    expect(updated?.reason).toBe("client Before's metadata document renamed it After");
    // A name is not policy: no instance reloads anything for it.
    expect(await policyVersion()).toBe(policyBefore);
  });

  it("refuses a document whose client_id differs from its URL", async () => {
    const url = serve("/liar.json", { body: () => JSON.stringify({ client_id: `${base}/someone-else.json`, client_name: "Liar", redirect_uris: [REDIRECT_URI] }) });
    const result = await shownError(url);
    expect(result).toMatchObject({ status: 400, error: "invalid_client" });
    expect(result.html).toContain("client_id does not match its URL");
    expect(await db().client.findUnique({ where: { id: url } })).toBeNull();
  });

  it.each([
    ["a redirect", { status: 302, headers: { Location: "https://169.254.169.254/latest" }, body: "" }, "redirects are not followed"],
    ["HTML", { type: "text/html", body: "<html></html>" }, "has content type text/html, not JSON"],
    ["invalid JSON", { body: "{nope" }, "is not valid JSON"],
    ["a JSON array", { body: "[]" }, "is not a JSON object"],
    ["an oversized document", { body: () => JSON.stringify({ padding: "x".repeat(70_000) }) }, "larger than 65536 bytes"],
    ["a 404", { status: 404, body: "" }, "answered with HTTP 404"],
    ["a shared-secret auth method", { body: document("/x", { token_endpoint_auth_method: "client_secret_basic" }) }, "must use token_endpoint_auth_method none"],
    ["an http redirect URI", { body: document("/x", { redirect_uris: ["http://app.example/cb"] }) }, "must use https"],
    ["no client_name", { body: (u: string) => JSON.stringify({ client_id: u, redirect_uris: [REDIRECT_URI] }) }, "must contain client_name"],
  ])("refuses %s", async (name, reply, why) => {
    const url = serve(`/bad-${name.replace(/\W+/g, "-")}.json`, reply as Reply);
    const result = await shownError(url);
    expect(result).toMatchObject({ status: 400, error: "invalid_client" });
    expect(result.html).toContain(why);
  });

  it("gives up on a document that takes longer than 3 seconds", async () => {
    const url = serve("/slow.json", { body: document("/slow.json"), delayMs: 4_000 });
    const result = await shownError(url);
    expect(result).toMatchObject({ status: 400, error: "invalid_client" });
    expect(result.html).toContain("took longer than 3 s");
  });

  it("auto-approves clients on a trusted domain", async () => {
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, autoApprove: [{ kind: "cimd_domain", domain: "localhost" }] }, CLI_CONTEXT);
    const url = serve("/trusted.json", { body: document("/trusted.json") });
    const response = await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    expect(response.headers.get("location")).toContain("/oauth/consent?");
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ status: "active", statusReason: "auto-approved: trusted metadata-document domain localhost" });
    await updateRegistrationPolicy(DEFAULT_REGISTRATION_POLICY, CLI_CONTEXT);
  });
});

describe("a metadata-document client whose document changes", () => {
  const ATTACKER = "https://attacker.example/callback";
  const SECOND = "http://127.0.0.1:33418/second";

  afterEach(() => updateRegistrationPolicy(DEFAULT_REGISTRATION_POLICY, CLI_CONTEXT));

  it("goes back to review when it re-points its redirect URIs, its consents are dropped, and no code reaches the new host", async () => {
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, autoApprove: [{ kind: "redirect_host", host: "127.0.0.1" }] }, CLI_CONTEXT);
    const { url, state } = changingDocument("/repoint.json", { redirect_uris: [REDIRECT_URI] });
    const consented = await decideConsent(authorizeUrl(standardAuthorizeParams(url, challenge, { scope: "clients:read" })), user, "allow");
    expect(new URL(consented.headers.get("location")!).searchParams.get("code")).toMatch(/^pcc_/);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ status: "active" });
    expect(await db().consent.count({ where: { clientId: url } })).toBe(1);

    state.redirect_uris = [ATTACKER];
    await documentChanged(url);
    const crafted = authorizeUrl(standardAuthorizeParams(url, challenge, { scope: "clients:read", prompt: "none", redirect_uri: ATTACKER }));
    const response = await authorize(crafted, user);
    expect(response.headers.get("location")).toBeNull();
    const page = await response.text();
    expect(response.status).toBe(403);
    expect(page).toContain('data-testid="oauth-error">unauthorized_client<');
    expect(page).toContain("This app is waiting for approval");
    expect(await db().authorizationCode.count({ where: { clientId: url, redirectUri: ATTACKER } })).toBe(0);

    const client = await db().client.findUniqueOrThrow({ where: { id: url } });
    expect(client).toMatchObject({ status: "pending", statusChangedBy: "system", redirectUris: [ATTACKER] });
    expect(client.statusReason).toBe(`changed its redirect URI ${ATTACKER}; waiting for review`);
    expect(client.approvedMetadata).toEqual({ redirectUris: [REDIRECT_URI], grantTypes: ["authorization_code"], tokenEndpointAuthMethod: "none", keys: null });
    expect(await db().consent.count({ where: { clientId: url } })).toBe(0);
    const changed = await db().auditEvent.findFirstOrThrow({ where: { kind: "client.changed", clientId: url } });
    expect(changed.detail).toMatchObject({
      before: { redirectUris: [REDIRECT_URI] },
      after: { redirectUris: [ATTACKER] },
      unapproved: [`redirect URI ${ATTACKER}`],
      from: "active",
      to: "pending",
      consentsWithdrawn: 1,
    });
    // The reviewer sees the change with the client's evidence.
    const evidence = await getClientEvidence(url);
    expect(evidence.history[0]).toMatchObject({ kind: "client.changed", actor: "system" });
    expect(evidence.pendingChange).toMatchObject({ before: { redirectUris: [REDIRECT_URI] }, after: { redirectUris: [ATTACKER] }, unapproved: [`redirect URI ${ATTACKER}`] });

    // Once an admin approves the new set, it is what the approval covers.
    await approveClient(url, "the vendor moved", CLI_CONTEXT);
    expect((await db().client.findUniqueOrThrow({ where: { id: url } })).approvedMetadata).toBeNull();
  });

  it("goes back to review when it publishes a signing key the approval did not cover; a refresh signed with that key gets no token", async () => {
    const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    const [approvedKey, retiredKey, attackerKey] = await Promise.all([testKeyPair("ES256"), testKeyPair("ES256"), testKeyPair("ES256")]);
    const thumbprint = (key: TestKeyPair) => calculateJwkThumbprint(key.publicJwk, "sha256");
    const { url, state } = changingDocument("/keys.json", {
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      token_endpoint_auth_method: "private_key_jwt",
      jwks: { keys: [approvedKey.publicJwk, retiredKey.publicJwk] },
    });
    const assertion = (key: TestKeyPair) => signAssertion(key, { iss: url, sub: url, aud: TEST_ISSUER });
    await shownError(url);
    await approveClient(url, "known vendor", CLI_CONTEXT);
    const { code, verifier } = await obtainCode(url, user, { scope: "clients:read" });
    const issued = await exchangeCode(url, code, verifier, { client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(approvedKey) });
    expect(issued.status).toBe(200);
    expect(issued.body.refresh_token).toBeTruthy();

    // Retiring a key stays within the approval.
    state.jwks = { keys: [approvedKey.publicJwk] };
    await documentChanged(url);
    await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ status: "active" });

    // A key the approval never saw — whoever now controls the document — sends the client back to review, so the
    // refresh token it holds is refused even with an assertion that key verifies.
    state.jwks = { keys: [attackerKey.publicJwk] };
    await documentChanged(url);
    const refreshed = await token({
      grant_type: "refresh_token",
      refresh_token: issued.body.refresh_token,
      client_id: url,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion(attackerKey),
    });
    expect(refreshed).toMatchObject({ status: 400, body: { error: "unauthorized_client", error_description: "This client is waiting for an administrator's approval." } });
    expect(refreshed.body.access_token).toBeUndefined();
    const client = await db().client.findUniqueOrThrow({ where: { id: url } });
    expect(client).toMatchObject({ status: "pending", statusReason: `changed its signing key ${await thumbprint(attackerKey)}; waiting for review` });
    expect(client.approvedMetadata).toMatchObject({ keys: { thumbprints: [await thumbprint(approvedKey), await thumbprint(retiredKey)].sort() } });
    const changed = await db().auditEvent.findFirstOrThrow({ where: { kind: "client.changed", clientId: url }, orderBy: { seq: "desc" } });
    expect(changed.detail).toMatchObject({ unapproved: [`signing key ${await thumbprint(attackerKey)}`], from: "active", to: "pending" });

    // Moving to a jwks_uri is a new key source: approved again first, then the move goes back to review.
    await approveClient(url, "the vendor rotated its key", CLI_CONTEXT);
    delete state.jwks;
    state.jwks_uri = "https://keys.example/jwks.json";
    await documentChanged(url);
    await shownError(url);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({
      status: "pending",
      statusReason: "changed its jwks_uri https://keys.example/jwks.json; waiting for review",
    });
  });

  it("keeps its approval for a subset of the approved set, but cannot walk away from it in subset steps", async () => {
    const { url, state } = changingDocument("/walk.json", { redirect_uris: [REDIRECT_URI, SECOND] });
    await shownError(url);
    await approveClient(url, "known vendor", CLI_CONTEXT);
    await decideConsent(authorizeUrl(standardAuthorizeParams(url, challenge, { scope: "clients:read" })), user, "allow");

    state.redirect_uris = [SECOND];
    await documentChanged(url);
    await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ status: "active", redirectUris: [SECOND] });
    // Consent was given for the old set: asked again.
    expect(await db().consent.count({ where: { clientId: url } })).toBe(0);

    // Back to a URI the approval covered: still a subset of what was approved, not of the previous document.
    state.redirect_uris = [REDIRECT_URI];
    await documentChanged(url);
    await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ status: "active", redirectUris: [REDIRECT_URI] });

    // One new grant type is more than was approved.
    state.grant_types = ["authorization_code", "refresh_token"];
    await documentChanged(url);
    await shownError(url);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({
      status: "pending",
      statusReason: "changed its grant type refresh_token; waiting for review",
    });
  });

  it("stays approved when an auto-approve rule approves the new document too", async () => {
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, autoApprove: [{ kind: "cimd_domain", domain: "localhost" }] }, CLI_CONTEXT);
    const { url, state } = changingDocument("/trusted-change.json", { redirect_uris: [REDIRECT_URI] });
    await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    state.redirect_uris = [REDIRECT_URI, SECOND];
    await documentChanged(url);
    await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    const client = await db().client.findUniqueOrThrow({ where: { id: url } });
    expect(client).toMatchObject({ status: "active", statusReason: "auto-approved again after a change: trusted metadata-document domain localhost" });
    expect(client.approvedMetadata).toEqual({ redirectUris: [REDIRECT_URI, SECOND], grantTypes: ["authorization_code"], tokenEndpointAuthMethod: "none", keys: null });
  });

  it("re-evaluates the rule: a trusted redirect host no longer matches once the document adds another host", async () => {
    await updateRegistrationPolicy({ ...DEFAULT_REGISTRATION_POLICY, autoApprove: [{ kind: "redirect_host", host: "127.0.0.1" }] }, CLI_CONTEXT);
    const { url, state } = changingDocument("/trusted-host.json", { redirect_uris: [REDIRECT_URI] });
    await authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user);
    state.redirect_uris = [REDIRECT_URI, ATTACKER];
    await documentChanged(url);
    await shownError(url);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ status: "pending" });
  });

  it("sends a suspended client that adds a redirect URI back to review, not to reactivation", async () => {
    const { url, state } = changingDocument("/suspended.json", { redirect_uris: [REDIRECT_URI] });
    await shownError(url);
    await approveClient(url, "ok", CLI_CONTEXT);
    await suspendClient(url, "investigating", CLI_CONTEXT);
    state.redirect_uris = [ATTACKER];
    await documentChanged(url);
    await shownError(url);
    expect(await db().client.findUniqueOrThrow({ where: { id: url } })).toMatchObject({ status: "pending" });
  });
});

describe("bounded fetching of metadata documents", () => {
  it("remembers a failure for the minimum lifetime instead of fetching again on every request", async () => {
    const reply: Reply = { status: 404, body: "" };
    const url = serve("/flaky.json", reply);
    for (let i = 0; i < 5; i++) await expect(fetchClientMetadataDocument(url, { allowPrivate: true })).rejects.toThrow("answered with HTTP 404");
    expect(hits.get("/flaky.json")).toBe(1);
    Object.assign(reply, { status: 200, body: document("/flaky.json") });
    await expect(fetchClientMetadataDocument(url, { allowPrivate: true })).rejects.toThrow("answered with HTTP 404");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    await expect(fetchClientMetadataDocument(url, { allowPrivate: true })).resolves.toMatchObject({ document: { client_name: "Doc /flaky.json" } });
    expect(hits.get("/flaky.json")).toBe(2);
  });

  it("answers a burst of parallel authorization requests naming a new no-store document with one fetch", async () => {
    const url = serve("/burst-authorize.json", { body: document("/burst-authorize.json"), headers: { "Cache-Control": "no-store" } });
    const responses = await Promise.all(Array.from({ length: 10 }, () => authorize(authorizeUrl(standardAuthorizeParams(url, challenge)), user)));
    const statuses = await Promise.all(responses.map(async (r) => `${r.status} ${r.status >= 500 ? await r.text() : ""}`));
    expect(statuses.filter((s) => s.startsWith("5"))).toEqual([]);
    expect(hits.get("/burst-authorize.json")).toBe(1);
  });

  it("makes one fetch for a burst of parallel requests naming the same document", async () => {
    const url = serve("/burst.json", { body: document("/burst.json"), headers: { "Cache-Control": "no-store" }, delayMs: 200 });
    const results = await Promise.all(Array.from({ length: 20 }, () => fetchClientMetadataDocument(url, { allowPrivate: true })));
    expect(results.every((r) => r.document.client_name === "Doc /burst.json")).toBe(true);
    expect(hits.get("/burst.json")).toBe(1);
  });

  it("fetches one document at most PORTCULLIS_CIMD_FETCH_LIMIT times per 10 minutes, counted across instances", async () => {
    reloadEnv({ ...process.env, PORTCULLIS_CIMD_ALLOW_PRIVATE: "true", PORTCULLIS_CIMD_FETCH_LIMIT: "3" });
    // At the start of a 10-minute window, so the four fetches share it.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / 600_000) * 600_000 + 1_000);
    const url = serve("/limited.json", { body: document("/limited.json"), headers: { "Cache-Control": "no-store" } });
    // Forgetting the remembered copy stands for another instance, which has its own memory but shares the count.
    for (let i = 0; i < 3; i++) {
      forgetClientMetadataDocuments();
      await expect(fetchClientMetadataDocument(url, { allowPrivate: true })).resolves.toMatchObject({ document: { client_id: url } });
    }
    forgetClientMetadataDocuments();
    await expect(fetchClientMetadataDocument(url, { allowPrivate: true })).rejects.toThrow(/^client metadata document was fetched too often; try again in \d+ seconds$/);
    expect(hits.get("/limited.json")).toBe(3);
  });
});
