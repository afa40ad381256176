/** Console sign-in through WorkOS, with the real @workos-inc/node SDK against the local WorkOS stand-in. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { reloadEnv } from "@/lib/env";
import { createUser } from "@/lib/users/create-user";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { updateWorkosLinking } from "@/lib/settings/update-workos-linking";
import { linkWorkosAccount } from "@/lib/workos/link-workos-account";
import { mayAutoLink, workosLinking } from "@/lib/settings/workos-linking";
import { beginWorkosSignIn } from "@/lib/workos/begin-workos-sign-in";
import { finishWorkosSignIn } from "@/lib/workos/finish-workos-sign-in";
import { startWorkosStandin, type WorkosStandin } from "@/test/support/workos-standin";
import { openSignInState, sealSignInState, type WorkosSignInState } from "@/lib/workos/workos-sign-in-state";

let standin: WorkosStandin;
let database: Awaited<ReturnType<typeof openTestDatabase>>;
const VARS = ["WORKOS_CONSOLE_SIGN_IN", "WORKOS_API_URL", "WORKOS_API_KEY", "WORKOS_CLIENT_ID", "WORKOS_API_TIMEOUT_MS"];

beforeAll(async () => {
  standin = await startWorkosStandin();
  Object.assign(process.env, {
    WORKOS_CONSOLE_SIGN_IN: "true",
    WORKOS_API_URL: standin.origin,
    WORKOS_API_KEY: standin.apiKey,
    WORKOS_CLIENT_ID: standin.clientId,
    WORKOS_API_TIMEOUT_MS: "1000",
  });
  reloadEnv();
  database = await openTestDatabase();
  await updateWorkosLinking({ autoLinkEmailDomains: ["example.test"] }, CLI_CONTEXT);
}, 180_000);
afterAll(async () => {
  await database.close();
  await standin.close();
  for (const key of VARS) delete process.env[key];
  reloadEnv();
});

/** Starts a sign-in and plays the browser at AuthKit's hosted login: returns the code and the opened state. */
async function signInAtAuthkit(email: string): Promise<{ code: string; state: WorkosSignInState }> {
  const { url, cookie } = await beginWorkosSignIn("/users");
  const authorize = new URL(url);
  const form = new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), email });
  const response = await fetch(`${standin.origin}/user_management/authorize`, { method: "POST", body: form, redirect: "manual" });
  const back = new URL(response.headers.get("location")!);
  const state = await openSignInState(cookie, back.searchParams.get("state")!);
  return { code: back.searchParams.get("code")!, state: state! };
}

async function lastLoginEvent() {
  const [event] = await listAuditEvents(db(), { kinds: ["admin.login", "admin.login_failed"], limit: 1 });
  return event;
}

describe("console sign-in through WorkOS", () => {
  it("starts at AuthKit's hosted login with PKCE (S256), state and the fixed redirect URI", async () => {
    const { url, cookie } = await beginWorkosSignIn("/audit");
    const authorize = new URL(url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${standin.origin}/user_management/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      provider: "authkit",
      client_id: standin.clientId,
      redirect_uri: "http://localhost:3999/auth/workos/callback",
      response_type: "code",
      code_challenge_method: "S256",
    });
    const state = authorize.searchParams.get("state")!;
    expect(await openSignInState(cookie, state)).toMatchObject({ state, from: "/audit" });
    // The cookie is sealed: the verifier is not readable in it, and another state does not open it.
    expect(cookie).not.toContain((await openSignInState(cookie, state))!.codeVerifier);
    expect(await openSignInState(cookie, `${state}x`)).toBeNull();
    expect(await openSignInState(`${cookie.slice(0, -4)}AAAA`, state)).toBeNull();
    expect(await openSignInState(undefined, state)).toBeNull();
  });

  it("never sends a signed-in admin off-site, and an expired state does not open", async () => {
    // Browsers drop tabs and newlines and read "\\" as "/": each of these would land on evil.example.
    for (const from of ["//evil.example/phish", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "https://evil.example/"]) {
      const { url, cookie } = await beginWorkosSignIn(from);
      const state = new URL(url).searchParams.get("state")!;
      expect((await openSignInState(cookie, state))!.from).toBe("/");
    }
    const expired = await sealSignInState({ state: "s", codeVerifier: "v", from: "/", expiresAt: Date.now() - 1 });
    expect(await openSignInState(expired, "s")).toBeNull();
  });

  it("refuses a WorkOS identity with no Portcullis account: WorkOS never creates console accounts", async () => {
    const { code, state } = await signInAtAuthkit("stranger@example.test");
    await expect(finishWorkosSignIn(code, state, "192.0.2.1")).rejects.toMatchObject({ reason: "no_account", status: 401 });
    expect(await lastLoginEvent()).toMatchObject({ kind: "admin.login_failed", ip: "192.0.2.1", reason: "WorkOS sign-in: no Portcullis account for stranger@example.test" });
    expect(await db().user.count({ where: { email: "stranger@example.test" } })).toBe(0);
  });

  it("links an existing account by verified email at a listed domain on first sign-in, then by WorkOS id", async () => {
    const local = await createUser({ email: "ada@example.test", name: "Ada", password: "a-password-long-enough", roles: ["developer"] }, CLI_CONTEXT);
    const first = await signInAtAuthkit("ada@example.test");
    expect(await finishWorkosSignIn(first.code, first.state, null)).toEqual({ id: local.id, email: "ada@example.test", name: "Ada", sessionEpoch: 0 });
    expect(await lastLoginEvent()).toMatchObject({ kind: "admin.login", subject: local.id, reason: "user ada@example.test signed in with WorkOS", detail: { linked: true } });
    const workosId = [...standin.users.values()].find((u) => u.email === "ada@example.test")!.id;
    expect((await db().user.findUniqueOrThrow({ where: { id: local.id } })).workosUserId).toBe(workosId);
    const [linked] = await listAuditEvents(db(), { kinds: ["user.linked"], limit: 1 });
    expect(linked).toMatchObject({ subject: local.id, reason: `user ada@example.test linked to WorkOS user ${workosId} (verified email)` });

    const again = await signInAtAuthkit("ada@example.test");
    expect((await finishWorkosSignIn(again.code, again.state, null)).id).toBe(local.id);
    expect(await lastLoginEvent()).toMatchObject({ kind: "admin.login", detail: { linked: false } });
  });

  it("never links an iam_admin (or a write-scope holder) by email: an admin links them explicitly", async () => {
    const root = await createUser({ email: "root@example.test", name: "Root", password: "a-password-long-enough", roles: ["iam_admin"] }, CLI_CONTEXT);
    const writer = await createUser({ email: "writer@example.test", name: "W", password: "a-password-long-enough", roles: ["editor"] }, CLI_CONTEXT);
    for (const target of [root, writer]) {
      const { code, state } = await signInAtAuthkit(target.email);
      await expect(finishWorkosSignIn(code, state, null)).rejects.toMatchObject({ reason: "no_account", status: 401 });
      const [refused] = await listAuditEvents(db(), { kinds: ["user.link_refused"], limit: 1 });
      expect(refused).toMatchObject({ subject: target.id, decision: "deny", reason: expect.stringContaining("holds iam_admin or a write scope") });
      expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).workosUserId).toBeNull();
    }
    const workosId = [...standin.users.values()].find((u) => u.email === "root@example.test")!.id;
    expect(await linkWorkosAccount({ user: "root@example.test", workosUserId: workosId }, CLI_CONTEXT)).toEqual({ userId: root.id, email: "root@example.test", changed: true });
    const [linked] = await listAuditEvents(db(), { kinds: ["user.linked"], limit: 1 });
    expect(linked).toMatchObject({ actor: "cli", subject: root.id, detail: { rule: "admin", workosUserId: workosId, workosEmail: "root@example.test" } });
    const { code, state } = await signInAtAuthkit("root@example.test");
    expect((await finishWorkosSignIn(code, state, null)).id).toBe(root.id);
  });

  it("never links by email at a domain an admin has not listed", async () => {
    const dee = await createUser({ email: "dee@elsewhere.test", name: "Dee", password: "a-password-long-enough", roles: ["developer"] }, CLI_CONTEXT);
    const { code, state } = await signInAtAuthkit("dee@elsewhere.test");
    await expect(finishWorkosSignIn(code, state, null)).rejects.toMatchObject({ reason: "no_account" });
    const [refused] = await listAuditEvents(db(), { kinds: ["user.link_refused"], limit: 1 });
    expect(refused).toMatchObject({ subject: dee.id, reason: expect.stringContaining("elsewhere.test is not listed for automatic linking") });
  });

  it("trusts exactly the listed domains, refuses what is not a domain, and audits each change", async () => {
    const linking = await workosLinking();
    expect(mayAutoLink(linking, "x@example.test")).toBe(true);
    expect(mayAutoLink(linking, "x@sub.example.test")).toBe(false);
    expect(mayAutoLink(linking, "x@example.test.evil.test")).toBe(false);
    for (const bad of ["*.example.com", "not a domain", "localhost", "@example.com"]) {
      await expect(updateWorkosLinking({ autoLinkEmailDomains: [bad] }, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input" });
    }
    expect(await updateWorkosLinking({ autoLinkEmailDomains: ["Example.TEST", "example.test"] }, CLI_CONTEXT)).toEqual({ autoLinkEmailDomains: ["example.test"] });
    const [changed] = await listAuditEvents(db(), { kinds: ["settings.changed"], limit: 1 });
    expect(changed).toMatchObject({ actor: "cli", reason: "WorkOS accounts with verified emails at example.test may link automatically" });
  });

  it("refuses an explicit link that is not the admin's to make, or that is already taken", async () => {
    const eve = await createUser({ email: "eve@example.test", name: "Eve", password: "a-password-long-enough", roles: ["editor"] }, CLI_CONTEXT);
    const root = await db().user.findUniqueOrThrow({ where: { email: "root@example.test" } });
    const helper = await createUser({ email: "helper@example.test", name: "H", password: "a-password-long-enough", roles: ["access_reviewer"] }, CLI_CONTEXT);
    const stranger = standin.addUser({ email: "someone@evil.test" });
    // Linking an identity to an account hands the account to whoever holds the identity.
    await expect(linkWorkosAccount({ user: "root@example.test", workosUserId: stranger.id }, { actor: `user:${eve.id}` })).rejects.toMatchObject({ code: "conflict" });
    await expect(linkWorkosAccount({ user: "writer@example.test", workosUserId: stranger.id }, { actor: `user:${helper.id}` })).rejects.toMatchObject({
      code: "privilege_escalation",
      details: { rule: "beyond_own_scopes" },
    });
    await expect(linkWorkosAccount({ user: "eve@example.test", workosUserId: stranger.id }, { actor: `user:${eve.id}` })).rejects.toMatchObject({
      code: "privilege_escalation",
      message: "You cannot link your own account.",
    });
    await expect(linkWorkosAccount({ user: "eve@example.test", workosUserId: root.workosUserId! }, CLI_CONTEXT)).rejects.toMatchObject({
      code: "conflict",
      message: `WorkOS user ${root.workosUserId} is already linked to root@example.test`,
    });
    await expect(linkWorkosAccount({ user: "eve@example.test", workosUserId: "user_01NOSUCHUSER" }, CLI_CONTEXT)).rejects.toMatchObject({ code: "not_found" });
    await expect(linkWorkosAccount({ user: "eve@example.test", workosUserId: "not-a-workos-id" }, CLI_CONTEXT)).rejects.toMatchObject({ code: "invalid_input" });
    expect((await db().user.findUniqueOrThrow({ where: { id: eve.id } })).workosUserId).toBeNull();
  });

  it("does not link by an email WorkOS has not verified", async () => {
    await createUser({ email: "bea@example.test", name: "Bea", password: "a-password-long-enough", roles: ["iam_admin"] }, CLI_CONTEXT);
    standin.addUser({ email: "bea@example.test", emailVerified: false });
    const { code, state } = await signInAtAuthkit("bea@example.test");
    await expect(finishWorkosSignIn(code, state, null)).rejects.toMatchObject({ reason: "no_account" });
  });

  it("refuses a disabled account", async () => {
    const cy = await createUser({ email: "cy@example.test", name: "Cy", password: "a-password-long-enough", roles: ["developer"] }, CLI_CONTEXT);
    await setUserDisabled(cy.id, true, CLI_CONTEXT);
    const { code, state } = await signInAtAuthkit("cy@example.test");
    await expect(finishWorkosSignIn(code, state, null)).rejects.toMatchObject({ reason: "disabled" });
    expect(await lastLoginEvent()).toMatchObject({ kind: "admin.login_failed", reason: "WorkOS sign-in: account cy@example.test disabled" });
  });

  it("refuses a missing state, a replayed code and a wrong PKCE verifier", async () => {
    const { code, state } = await signInAtAuthkit("ada@example.test");
    await expect(finishWorkosSignIn(code, null, null)).rejects.toMatchObject({ reason: "expired" });
    await expect(finishWorkosSignIn(code, { ...state, codeVerifier: "not-the-verifier-that-was-hashed" }, null)).rejects.toMatchObject({
      reason: "rejected",
    });
    expect(await lastLoginEvent()).toMatchObject({ reason: "WorkOS sign-in: WorkOS refused the request with status 400 (invalid_grant): The code verifier does not match." });
    const fresh = await signInAtAuthkit("ada@example.test");
    await finishWorkosSignIn(fresh.code, fresh.state, null);
    await expect(finishWorkosSignIn(fresh.code, fresh.state, null)).rejects.toMatchObject({ reason: "rejected" });
  });

  it("a WorkOS outage is 'unavailable', not a crash", async () => {
    const { code, state } = await signInAtAuthkit("ada@example.test");
    standin.failNext("/user_management/authenticate", { status: 500, times: 2 });
    await expect(finishWorkosSignIn(code, state, null)).rejects.toMatchObject({ reason: "unavailable", code: "unavailable", status: 503 });
  });
});
