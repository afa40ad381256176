import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT, listAuditEvents } from "@/lib/audit";
import { changeOwnPassword } from "@/lib/auth/change-own-password";
import { signOutEverywhere } from "@/lib/auth/end-sessions";
import { sessionAccount } from "@/lib/auth/session-account";
import { verifyLogin } from "@/lib/auth/verify-login";
import { db } from "@/lib/db/client";
import { createUser } from "@/lib/users/create-user";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { openTestDatabase } from "@/test/support/db";

// The session cookie as Auth.js decodes it: what `auth()` would return for this request.
const cookie = vi.hoisted(() => ({ session: null as null | { user: { id: string; sessionEpoch?: number }; expires: string } }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => cookie.session }));

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let counter = 0;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(() => {
  cookie.session = null;
});

async function person() {
  counter += 1;
  const email = `epoch${counter}@example.test`;
  const user = await createUser({ email, name: `Epoch ${counter}`, password: PASSWORD, roles: ["reader"] }, CLI_CONTEXT);
  return { id: user.id, email };
}

/** Signs in as the login form does and holds the resulting session cookie. */
async function signIn(email: string, password = PASSWORD) {
  const user = await verifyLogin(email, password, "192.0.2.30");
  cookie.session = { user: { id: user.id, sessionEpoch: user.sessionEpoch }, expires: "" };
  return { ...cookie.session };
}

const ctx = (id: string) => ({ actor: `user:${id}`, ip: "192.0.2.30", requestId: "r" });

describe("console session epochs", () => {
  it("ends every session of the user at sign-out, and an ended cookie cannot sign the user out again", async () => {
    const { id, email } = await person();
    const laptop = await signIn(email);
    const phone = await signIn(email);
    expect(await sessionAccount()).toMatchObject({ state: "current", user: { id } });

    expect(await signOutEverywhere(id, laptop.user.sessionEpoch, ctx(id))).toBe(true);
    for (const session of [laptop, phone]) {
      cookie.session = session;
      expect(await sessionAccount()).toEqual({ state: "ended" });
    }
    const [event] = await listAuditEvents(db(), { kinds: ["admin.logout"], limit: 1 });
    expect(event).toMatchObject({ actor: `user:${id}`, subject: id, ip: "192.0.2.30", reason: "signed out; every session of the user ended" });

    const fresh = await signIn(email);
    expect(fresh.user.sessionEpoch).toBe(1);
    // The old cookie's sign-out is a no-op: it must not end the session that replaced it.
    expect(await signOutEverywhere(id, phone.user.sessionEpoch, ctx(id))).toBe(false);
    cookie.session = fresh;
    expect(await sessionAccount()).toMatchObject({ state: "current" });
  });

  it("treats a cookie without an epoch (from before epochs) or from no known user as ended, and no cookie as none", async () => {
    const { id } = await person();
    expect(await sessionAccount()).toEqual({ state: "none" });
    cookie.session = { user: { id }, expires: "" };
    expect(await sessionAccount()).toEqual({ state: "ended" });
    cookie.session = { user: { id: "00000000-0000-0000-0000-000000000000", sessionEpoch: 0 }, expires: "" };
    expect(await sessionAccount()).toEqual({ state: "ended" });
  });

  it("sees an epoch raised by another process (the database ahead of this process's cache) once it reloads", async () => {
    const { id, email } = await person();
    const before = await signIn(email);
    expect(await sessionAccount()).toMatchObject({ state: "current" });
    // Another instance's sign-out: the row moves, this process has not heard yet; a newer cookie makes it reload.
    await db().user.update({ where: { id }, data: { sessionEpoch: { increment: 1 } } });
    const after = await signIn(email);
    expect(await sessionAccount()).toMatchObject({ state: "current", user: { sessionEpoch: 1 } });
    cookie.session = before;
    expect(await sessionAccount()).toEqual({ state: "ended" });
    expect(after.user.sessionEpoch).toBe(1);
  });

  it("ends every session when the user is disabled, and re-enabling does not bring them back", async () => {
    const { id, email } = await person();
    const session = await signIn(email);
    await setUserDisabled(id, true, CLI_CONTEXT);
    expect(await sessionAccount()).toEqual({ state: "ended" });
    await setUserDisabled(id, false, CLI_CONTEXT);
    cookie.session = session;
    expect(await sessionAccount()).toEqual({ state: "ended" });
  });
});

describe("changing one's own password", () => {
  it("needs the current password and the new one twice, held to the password rule", async () => {
    const { id } = await person();
    const change = (current: string, next: string, confirm = next) => changeOwnPassword(id, { current, next, confirm }, ctx(id));
    await expect(change("wrong password!", "a new long password")).rejects.toMatchObject({ code: "invalid_input", message: "The current password is not correct." });
    await expect(change(PASSWORD, "short")).rejects.toMatchObject({ code: "invalid_input", message: "New password: use at least 12 characters." });
    await expect(change(PASSWORD, "a new long password", "a different one")).rejects.toMatchObject({ code: "invalid_input", message: "The two new passwords do not match." });
    await expect(change(PASSWORD, PASSWORD)).rejects.toMatchObject({ code: "invalid_input", message: "Choose a password different from the current one." });
    const stored = await db().user.findUniqueOrThrow({ where: { id } });
    expect(stored.sessionEpoch).toBe(0);
    const [failed] = await listAuditEvents(db(), { kinds: ["user.password_change_failed"], limit: 1 });
    expect(failed).toMatchObject({ actor: `user:${id}`, subject: id, reason: "wrong current password" });
  });

  it("ends every session of the user, old password and old cookies with it, and writes an audit event", async () => {
    const { id, email } = await person();
    const elsewhere = await signIn(email);
    expect(await changeOwnPassword(id, { current: PASSWORD, next: "a brand new passphrase", confirm: "a brand new passphrase" }, ctx(id))).toEqual({ email });
    cookie.session = elsewhere;
    expect(await sessionAccount()).toEqual({ state: "ended" });
    await expect(verifyLogin(email, PASSWORD, "192.0.2.31")).rejects.toMatchObject({ code: "unauthenticated" });
    const again = await signIn(email, "a brand new passphrase");
    expect(again.user.sessionEpoch).toBe(1);
    expect(await sessionAccount()).toMatchObject({ state: "current" });
    const [event] = await listAuditEvents(db(), { kinds: ["user.password_changed"], limit: 1 });
    expect(event).toMatchObject({ actor: `user:${id}`, subject: id, ip: "192.0.2.30", reason: `user ${email} changed their password; every console session of the user ended` });
  });

  it("stops guessing the current password after five wrong tries", async () => {
    const { id } = await person();
    for (let i = 0; i < 5; i += 1) {
      await expect(changeOwnPassword(id, { current: `guess number ${i}`, next: "x".repeat(12), confirm: "x".repeat(12) }, ctx(id))).rejects.toMatchObject({ code: "invalid_input" });
    }
    await expect(changeOwnPassword(id, { current: PASSWORD, next: "x".repeat(12), confirm: "x".repeat(12) }, ctx(id))).rejects.toMatchObject({ code: "rate_limited" });
  });
});
