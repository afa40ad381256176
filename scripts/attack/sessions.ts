import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "@/lib/users/create-user";
import type { AttackDeps } from "./deps";
import { basic, tokenRequest } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { Browser, send, type Reply } from "./http";

const SESSION_COOKIE = "authjs.session-token";
const REFUSED_DESCRIPTION = "Client authentication failed.";

/** The id Next.js gave a server action in this build. */
function actionId(name: string): string {
  const manifest = JSON.parse(readFileSync(join(".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === name);
  if (!found) throw new Error(`server action ${name} is not in this build`);
  return found[0];
}

/** A server action submitted the way a browser submits its form without JavaScript. */
function submitAction(browser: Browser, path: string, name: string, fields: Record<string, string>): Promise<Reply> {
  const form = new FormData();
  form.set("$ACTION_REF_1", "");
  form.set("$ACTION_1:0", JSON.stringify({ id: actionId(name), bound: "$@1" }));
  form.set("$ACTION_1:1", "[null]");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return browser.request(path, { method: "POST", body: form, headers: { origin: browser.base } });
}

/** A server action called the way the console's JavaScript calls it; the answer is the action's result in the RSC stream. */
function callAction(browser: Browser, path: string, name: string, fields: Record<string, string>): Promise<Reply> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(`1_${k}`, v);
  form.set("0", JSON.stringify([null, "$K1"]));
  return browser.request(path, { method: "POST", body: form, headers: { "next-action": actionId(name), accept: "text/x-component", origin: browser.base } });
}

/** A copy of a browser's session cookie in another browser: what a thief holds. */
function stolenCopy(browser: Browser): Browser {
  const copy = new Browser(browser.base);
  copy.cookies.set(SESSION_COOKIE, browser.cookies.get(SESSION_COOKIE)!);
  return copy;
}

/**
 * Console sessions end on the server (sign-out, password change), and failed client authentication does not say which
 * part failed. First-run setup's token (needed when Portcullis listens beyond loopback) is tested by Vitest
 * (lib/auth/setup-token.test.ts): this suite binds to loopback only, where setup needs no token.
 */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  /** A console user of their own, so that ending their sessions leaves the other areas' browsers alone. */
  const freshUser = async () => {
    const email = `session-${randomBytes(4).toString("hex")}@attack.test`;
    const user = await createUser({ email, name: "Session Target", password: fx.password, roles: ["developer"] }, { actor: "cli" });
    return { id: user.id, email };
  };
  const signOut = async (browser: Browser) => {
    const csrfToken = (await browser.get("/api/auth/csrf")).json<{ csrfToken: string }>()!.csrfToken;
    const reply = await browser.postForm("/api/auth/signout", { csrfToken, callbackUrl: "/" }, { origin: fx.base });
    demand(reply.status === 302, `sign-out itself failed: ${reply}`);
  };
  /** What the console does with no session: a redirect to the sign-in page, and Auth.js reports no session. */
  const expectSignedOut = async (browser: Browser, what: string) => {
    const page = await browser.get("/connect");
    demand([302, 303, 307].includes(page.status) && page.location?.startsWith("/login"), `${what}: expected a redirect to /login, got ${page}`);
    const session = (await browser.get("/api/auth/session")).json<{ user?: unknown } | null>();
    demand(!session?.user, `${what}: Auth.js still reports a session: ${JSON.stringify(session)}`);
  };
  const expectSignedIn = async (browser: Browser, what: string) => {
    const page = await browser.get("/connect");
    demand(page.status === 200, `${what}: expected the console page, got ${page}`);
  };
  const invalidClient = (reply: Reply, what: string) => {
    const body = reply.json();
    demand(
      reply.status === 401 && body?.error === "invalid_client" && body?.error_description === REFUSED_DESCRIPTION && Object.keys(body).length === 2,
      `${what}: expected 401 invalid_client "${REFUSED_DESCRIPTION}", got ${reply}`,
    );
  };
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
  });

  return {
    name: "Sessions and setup",
    cases: [
      attack("session cookie replayed after its owner signed out", "redirect to /login; no session", async () => {
        const { email } = await freshUser();
        const browser = await fx.signIn(email);
        const thief = stolenCopy(browser);
        await expectSignedIn(thief, "before sign-out");
        await signOut(browser);
        await expectSignedOut(thief, "the copied cookie");
      }),
      attack("another browser's session after the user signed out elsewhere", "redirect to /login; no session", async () => {
        const { email } = await freshUser();
        const laptop = await fx.signIn(email);
        const phone = await fx.signIn(email);
        await signOut(laptop);
        await expectSignedOut(phone, "the other browser");
      }),
      attack("an ended session cookie used to sign the user out of their new session", "the new session stays signed in", async () => {
        const { email } = await freshUser();
        const old = await fx.signIn(email);
        const oldCopy = stolenCopy(old);
        await signOut(old);
        const current = await fx.signIn(email);
        await signOut(oldCopy).catch(() => {});
        await expectSignedIn(current, "the session signed in after the old one ended");
      }),
      attack("session cookie captured before a password change", "redirect to /login; the old password refused", async () => {
        const { email } = await freshUser();
        const owner = await fx.signIn(email);
        const thief = stolenCopy(owner);
        const next = `changed-${randomBytes(12).toString("base64url")}`;
        const reply = await submitAction(owner, "/account", "changePasswordAction", { current: fx.password, password: next, confirm: next });
        demand([302, 303, 307].includes(reply.status) || reply.status === 200, `the password change failed: ${reply}`);
        await expectSignedIn(owner, "the browser that changed the password");
        await expectSignedOut(thief, "the cookie captured before the change");
        const csrfToken = (await new Browser(fx.base).get("/api/auth/csrf")).json<{ csrfToken: string }>()!.csrfToken;
        const attempt = new Browser(fx.base);
        await attempt.get("/api/auth/csrf");
        const login = await attempt.postForm("/api/auth/callback/credentials", { csrfToken, email, password: fx.password, callbackUrl: "/" });
        demand(!attempt.cookies.has(SESSION_COOKIE), `the old password still signs in: ${login}`);
      }),
      attack("password change without the current password (a session left open)", "the password stays; the form says the current one is wrong", async () => {
        const { id, email } = await freshUser();
        const owner = await fx.signIn(email);
        const next = `hijack-${randomBytes(12).toString("base64url")}`;
        const reply = await callAction(owner, "/account", "changePasswordAction", { current: "not-the-password", password: next, confirm: next });
        demand(reply.status === 200 && reply.text.includes("The current password is not correct."), `expected the form's refusal, got ${reply}`);
        demand((await database.countAudit({ kind: "user.password_change_failed", subject: id })) === 1, "the failed attempt was not audited");
        await expectSignedIn(owner, "the open session");
        const again = await fx.signIn(email);
        await expectSignedIn(again, "signing in with the unchanged password");
      }),
      attack("probe client ids at /oauth/token: unknown client, wrong secret, wrong method, missing secret", `401 invalid_client "${REFUSED_DESCRIPTION}" for every one`, async () => {
        const { service } = fx.clients;
        const grant = { grant_type: "client_credentials" };
        invalidClient(await tokenRequest(fx, grant, { authorization: basic("pcl_does_not_exist", "pcs_guess") }), "unknown client");
        invalidClient(await tokenRequest(fx, grant, { authorization: basic(service.id, "pcs_wrong") }), "wrong secret");
        invalidClient(await tokenRequest(fx, { ...grant, client_id: service.id, client_secret: service.secret! }), "wrong method (client_secret_post)");
        invalidClient(await tokenRequest(fx, { ...grant, client_id: service.id }), "missing secret");
      }),
      attack("probe client ids at /oauth/introspect and /oauth/revoke: a real public client vs an unknown one", `401 invalid_client "${REFUSED_DESCRIPTION}" for both`, async () => {
        for (const endpoint of ["/oauth/introspect", "/oauth/revoke"]) {
          for (const clientId of [fx.clients.app.id, "pcl_does_not_exist"]) {
            const reply = await send(`${fx.base}${endpoint}`, form({ token: "x", client_id: clientId, client_secret: "pcs_guess" }));
            invalidClient(reply, `${endpoint} with ${clientId}`);
          }
        }
        invalidClient(await send(`${fx.base}/oauth/introspect`, form({ token: "x", client_id: fx.clients.app.id })), "a public client at introspection");
      }),
    ],
  };
}
