import { randomUUID } from "node:crypto";
import { actionId } from "./console";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { Browser, type Reply } from "./http";

/** A server action called the way the console's JavaScript calls it; the answer is its result in the RSC stream. */
function callAction(browser: Browser, path: string, name: string, fields: Record<string, string>, origin = browser.base): Promise<Reply> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(`1_${k}`, v);
  form.set("0", JSON.stringify([null, "$K1"]));
  return browser.request(path, { method: "POST", body: form, headers: { "next-action": actionId(name), accept: "text/x-component", origin } });
}

/** Whether Auth.js accepts this email and password (a sign-in in a fresh browser). */
async function signsIn(base: string, email: string, password: string): Promise<Browser | null> {
  const browser = new Browser(base);
  const csrf = await browser.get("/api/auth/csrf");
  const csrfToken = csrf.json<{ csrfToken: string }>()?.csrfToken;
  demand(csrfToken, `no CSRF token from Auth.js: ${csrf}`);
  const reply = await browser.postForm("/api/auth/callback/credentials", { csrfToken, email, password, callbackUrl: "/" });
  return reply.status === 302 && browser.cookies.has("authjs.session-token") ? browser : null;
}

/** Administrators' password resets: who may reset whose, from where, and what a temporary password opens. */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  const victim = async () => {
    const email = `reset-${randomUUID().slice(0, 8)}@attack.test`;
    const user = await database.createUserForAttack(email, fx.password);
    // The server hears of users created by another process from its change watcher.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return { id: user.id, email };
  };
  return {
    name: "Console passwords",
    cases: [
      attack("Password reset by a reviewer (no users:write)", "forbidden, audited; the old password still works", async () => {
        const target = await victim();
        const before = await database.countAudit({ kind: "console.denied", actor: `user:${fx.users.reviewer.id}` });
        const reply = await callAction(fx.reviewer, `/users/${target.id}`, "resetUserPasswordAction", { userId: target.id, reason: "takeover" });
        demand(reply.text.includes('"code":"forbidden"') && reply.text.includes("users:write"), `expected forbidden, got ${reply}`);
        demand((await database.countAudit({ kind: "console.denied", actor: `user:${fx.users.reviewer.id}` })) === before + 1, "the refusal was not audited");
        demand(await signsIn(fx.base, target.email, fx.password), "the victim's password changed");
      }),
      attack("Password reset of one's own account", "refused: own account; password unchanged", async () => {
        // Through lib/ as the action calls it, with the admin as the actor (the privilege rule lives there).
        const { resetUserPassword } = await import("@/lib/users/reset-user-password");
        const refusal = await resetUserPassword(fx.users.admin.id, "self", { actor: `user:${fx.users.admin.id}` }).then(() => null, (e: Error) => e.message);
        demand(refusal?.includes("your own account"), `expected an own-account refusal, got ${refusal ?? "a reset"}`);
        demand(await signsIn(fx.base, fx.users.admin.email, fx.password), "the admin's password changed");
      }),
      attack("Password reset from a cross-site form with the admin's cookies", "403 cross_site_request; password unchanged", async () => {
        const target = await victim();
        const reply = await callAction(fx.admin, `/users/${target.id}`, "resetUserPasswordAction", { userId: target.id, reason: "csrf" }, "https://evil.example");
        demand(reply.status === 403 && reply.json()?.error === "cross_site_request", `expected 403 cross_site_request, got ${reply}`);
        demand(await signsIn(fx.base, target.email, fx.password), "the victim's password changed");
      }),
      attack("Password reset of a service identity", "refused: it has no password", async () => {
        const { resetUserPassword } = await import("@/lib/users/reset-user-password");
        const refusal = await resetUserPassword(fx.users.service.id, "svc", { actor: `user:${fx.users.admin.id}` }).then(() => null, (e: Error) => e.message);
        demand(refusal?.includes("has no password"), `expected a refusal, got ${refusal ?? "a reset"}`);
      }),
      attack("A temporary password used for anything but the password change", "every other action refused until a new password is chosen", async () => {
        const target = await victim();
        const { resetUserPassword } = await import("@/lib/users/reset-user-password");
        const { temporaryPassword: temporary } = await resetUserPassword(target.id, "forgot it", { actor: `user:${fx.users.admin.id}` });
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        demand(!(await signsIn(fx.base, target.email, fx.password)), "the old password still signs in");
        const session = await signsIn(fx.base, target.email, temporary);
        demand(session, "the temporary password does not sign in");
        const reply = await callAction(session, "/connect", "revokeOwnGrantAction", { grantId: randomUUID() });
        demand(reply.text.includes('"code":"forbidden"') && reply.text.includes("Choose a new password first"), `expected the action refused, got ${reply}`);
        const page = await session.get("/clients");
        demand(page.text.includes("Choose a new password") && !page.text.includes("Review queue"), "the console showed more than the password change");
      }),
    ],
  };
}
