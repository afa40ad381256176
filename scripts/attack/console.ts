import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AttackDeps } from "./deps";
import { authorizeQuery } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { fail } from "./http";
import { Browser, expectErrorPage, type Reply } from "./http";

/** The id Next.js gave a server action in this build (what a page's form would carry). */
export function actionId(name: string): string {
  const manifest = JSON.parse(readFileSync(join(".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === name);
  if (!found) throw new Error(`server action ${name} is not in this build`);
  return found[0];
}

/** A server action submitted the way a browser submits its form without JavaScript (React's progressive enhancement). */
function actionForm(name: string, fields: Record<string, string>): FormData {
  const form = new FormData();
  form.set("$ACTION_REF_1", "");
  form.set("$ACTION_1:0", JSON.stringify({ id: actionId(name), bound: "$@1" }));
  form.set("$ACTION_1:1", "[null]");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

/**
 * A server action called the way the console's JavaScript calls it (React's reply encoding: the FormData argument's
 * fields under `1_`, the argument list as field `0`); the answer is the action's result in the RSC stream.
 */
function callAction(browser: Browser, path: string, name: string, fields: Record<string, string>): Promise<Reply> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(`1_${k}`, v);
  form.set("0", JSON.stringify([null, "$K1"]));
  return browser.request(path, { method: "POST", body: form, headers: { "next-action": actionId(name), accept: "text/x-component", origin: browser.base } });
}

const submit = (browser: Browser, path: string, name: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> =>
  browser.request(path, { method: "POST", body: actionForm(name, fields), headers });

const EVIL = "https://evil.example";

/** CSRF, session fixation, open redirects, privilege checks and brute force against the console. */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  const { pending } = fx.clients;
  const { reviewer, developer: dev } = fx.users;
  const sameSite = (location: string | null) => location !== null && new URL(location, fx.base).origin === fx.base;
  // An absolute URL must be on this origin; a relative one must be a path a browser cannot read as another host.
  const staysHere = (location: string | null) =>
    location !== null && (/^[a-z][a-z0-9+.-]*:/i.test(location) ? new URL(location).origin === fx.base : /^\/(?![/\\\t\n\r])/.test(location));
  const crossSiteRefused = (reply: Reply) =>
    demand(reply.status === 403 && reply.json()?.error === "cross_site_request", `expected 403 cross_site_request, got ${reply}`);

  const approveAttempt = async (browser: Browser, headers: Record<string, string>) => {
    const reply = await submit(browser, "/tokens", "approveClientAction", { clientId: pending.id, reason: "csrf", serviceUser: "" }, headers);
    demand((await database.clientStatus(pending.id)) === "pending", `the pending client was approved (answer: ${reply})`);
    return reply;
  };
  const loginWithFrom = async (from: string) => {
    const browser = new Browser(fx.base);
    return submit(browser, "/login", "loginAction", { email: fx.users.admin.email, password: fx.password, from }, { origin: fx.base });
  };
  const deniedAndAudited = async (actorId: string, run: () => Promise<Reply>, unchanged: () => Promise<boolean>, message: string) => {
    const before = await database.countAudit({ kind: "console.denied", actor: `user:${actorId}` });
    const reply = await run();
    demand(await unchanged(), `the change happened (answer: ${reply})`);
    demand(reply.status === 200 && reply.text.includes('"code":"forbidden"') && reply.text.includes(message), `expected the action's result to be forbidden ("${message}"), got ${reply}`);
    const after = await database.countAudit({ kind: "console.denied", actor: `user:${actorId}` });
    demand(after === before + 1, `the refusal was not audited (console.denied events ${before} → ${after})`);
  };

  const openRedirects = ["//evil.example", "https://evil.example/", "/\\evil.example", "/%5Cevil.example", "\\\\evil.example", "/\t/evil.example", "///evil.example", "%2F%2Fevil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "http:evil.example", "/%09/evil.example"];

  return {
    name: "Console",
    cases: [
      attack("CSRF: cross-site form approves a pending client with the admin's cookies", "403 cross_site_request; client still pending", async () => {
        crossSiteRefused(await approveAttempt(fx.admin, { origin: EVIL }));
      }),
      attack("CSRF: the same from a sandboxed frame (Origin: null)", "403 cross_site_request; client still pending", async () => {
        crossSiteRefused(await approveAttempt(fx.admin, { origin: "null" }));
      }),
      attack("CSRF: the same from a sibling origin on another port", "403 cross_site_request; client still pending", async () => {
        crossSiteRefused(await approveAttempt(fx.admin, { origin: `http://localhost:${fx.port + 1}` }));
      }),
      attack("CSRF: the same with a spoofed X-Forwarded-Host matching the Origin", "403 cross_site_request; client still pending", async () => {
        crossSiteRefused(await approveAttempt(fx.admin, { origin: EVIL, "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" }));
      }),
      attack("CSRF: cross-site form makes the reviewer an iam_admin", "403 cross_site_request; roles unchanged", async () => {
        const reply = await submit(fx.admin, `/users/${reviewer.id}`, "assignRoleAction", { userId: reviewer.id, role: "iam_admin" }, { origin: EVIL });
        demand(JSON.stringify(await database.userRoles(reviewer.id)) === JSON.stringify(["access_reviewer"]), `roles changed (answer: ${reply})`);
        crossSiteRefused(reply);
      }),
      attack("CSRF: cross-site form rewrites the registration policy", "403 cross_site_request; policy unchanged", async () => {
        const before = JSON.stringify(await database.settingValue("registration_policy"));
        const reply = await submit(fx.admin, "/settings", "updateRegistrationPolicyAction", { allowedHosts: "", deniedHosts: "", allowLoopback: "on", trustedCimdDomains: "evil.example", trustedRedirectHosts: "evil.example", rateLimitMax: "10000", rateLimitWindowSeconds: "1", maxPendingClients: "100000", defaultScopes: "clients:write" }, { origin: EVIL });
        demand(JSON.stringify(await database.settingValue("registration_policy")) === before, `the policy changed (answer: ${reply})`);
        crossSiteRefused(reply);
      }),
      attack("CSRF: cross-site consent POST grants an app access as the signed-in user", "403, no code sent to the app", async () => {
        const reply = await fx.developer.postForm("/oauth/authorize", new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(authorizeQuery(fx, fx.clients.app).split("?")[1])), decision: "allow", grant_scope: "account:read", consent_token: "forged" }), { origin: EVIL });
        demand(reply.status === 403 && !reply.location, `expected 403 and no redirect, got ${reply}`);
      }),
      attack("consent form carrying a consent token issued for another request", "403 page access_denied", async () => {
        const query = new URLSearchParams(authorizeQuery(fx, fx.clients.app, { prompt: "consent" }).split("?")[1]);
        const first = await fx.admin.get(`/oauth/authorize?${query}`);
        const page = await fx.admin.get(first.location ?? "/");
        const token = page.text.match(/name="consent_token" value="([^"]+)"/)?.[1];
        demand(token, `no consent token on the admin's consent page: ${page}`);
        // The admin's token, replayed by the developer for the same client: bound to another user.
        const reply = await fx.developer.postForm("/oauth/authorize", new URLSearchParams({ ...Object.fromEntries(query), decision: "allow", grant_scope: "account:read", consent_token: token }), { origin: fx.base });
        expectErrorPage(reply, 403, "access_denied");
      }),
      attack("login CSRF: cross-site sign-in form posts the attacker's credentials", "403 cross_site_request; no session cookie", async () => {
        const browser = new Browser(fx.base);
        const reply = await browser.postForm("/api/auth/callback/credentials", { email: fx.users.reviewer.email, password: fx.password, callbackUrl: "/" }, { origin: EVIL });
        demand(!browser.cookies.has("authjs.session-token"), `a session was created: ${reply}`);
        crossSiteRefused(reply);
      }),
      attack("sign-in POST without Auth.js's CSRF token (same site)", "302 to /login?error=MissingCSRF; no session cookie", async () => {
        const browser = new Browser(fx.base);
        const reply = await browser.postForm("/api/auth/callback/credentials", { email: fx.users.reviewer.email, password: fx.password, callbackUrl: "/" });
        demand(!browser.cookies.has("authjs.session-token"), `a session was created: ${reply}`);
        demand(reply.status === 302 && new URL(reply.location ?? "", fx.base).searchParams.get("error") === "MissingCSRF", `expected MissingCSRF, got ${reply}`);
      }),
      attack("sign-in POST with a CSRF token from another browser", "302 to /login?error=MissingCSRF; no session cookie", async () => {
        const other = new Browser(fx.base);
        const csrfToken = (await other.get("/api/auth/csrf")).json<{ csrfToken: string }>()!.csrfToken;
        const browser = new Browser(fx.base);
        await browser.get("/api/auth/csrf");
        const reply = await browser.postForm("/api/auth/callback/credentials", { csrfToken, email: fx.users.reviewer.email, password: fx.password, callbackUrl: "/" });
        demand(!browser.cookies.has("authjs.session-token"), `a session was created: ${reply}`);
        demand(reply.status === 302 && new URL(reply.location ?? "", fx.base).searchParams.get("error") === "MissingCSRF", `expected MissingCSRF, got ${reply}`);
      }),
      attack("CSRF: cross-site sign-out of the admin", "403 cross_site_request; session still valid", async () => {
        const browser = await fx.signIn(fx.users.admin.email);
        const reply = await browser.postForm("/api/auth/signout", { callbackUrl: "/" }, { origin: EVIL });
        const session = (await browser.get("/api/auth/session")).json<{ user?: { id: string } }>();
        demand(session?.user?.id === fx.users.admin.id, `the session ended (answer: ${reply})`);
        crossSiteRefused(reply);
      }),
      attack("session fixation: a session cookie planted before sign-in", "planted value not authenticated; a new token at sign-in", async () => {
        const planted = "attacker-chosen-session-value";
        const browser = new Browser(fx.base);
        browser.cookies.set("authjs.session-token", planted);
        const before = (await browser.get("/api/auth/session")).json();
        demand(before === null || !(before as { user?: unknown }).user, `the planted cookie was a session: ${JSON.stringify(before)}`);
        browser.cookies.set("authjs.session-token", planted);
        const csrfToken = (await browser.get("/api/auth/csrf")).json<{ csrfToken: string }>()!.csrfToken;
        await browser.postForm("/api/auth/callback/credentials", { csrfToken, email: fx.users.admin.email, password: fx.password, callbackUrl: "/" });
        const issued = browser.cookies.get("authjs.session-token");
        demand(issued && issued !== planted, `the session token did not change at sign-in (${issued})`);
        const fixated = new Browser(fx.base);
        fixated.cookies.set("authjs.session-token", planted);
        const after = (await fixated.get("/api/auth/session")).json();
        demand(after === null || !(after as { user?: unknown }).user, `the planted value became authenticated: ${JSON.stringify(after)}`);
      }),
      attack("session fixation: another user's valid session planted before sign-in", "the victim's sign-in replaces it", async () => {
        const attacker = await fx.signIn(fx.users.reviewer.email);
        const planted = attacker.cookies.get("authjs.session-token")!;
        const victim = new Browser(fx.base);
        victim.cookies.set("authjs.session-token", planted);
        const csrfToken = (await victim.get("/api/auth/csrf")).json<{ csrfToken: string }>()!.csrfToken;
        await victim.postForm("/api/auth/callback/credentials", { csrfToken, email: fx.users.admin.email, password: fx.password, callbackUrl: "/" });
        demand(victim.cookies.get("authjs.session-token") !== planted, "the planted session token survived the sign-in");
        const session = (await victim.get("/api/auth/session")).json<{ user?: { id: string } }>();
        demand(session?.user?.id === fx.users.admin.id, `the victim is not signed in as themselves: ${JSON.stringify(session)}`);
      }),
      attack("forged session cookie (attacker-made JWE)", "not authenticated; console redirects to /login", async () => {
        const browser = new Browser(fx.base);
        browser.cookies.set("authjs.session-token", `eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..${"A".repeat(22)}.${"B".repeat(40)}.${"C".repeat(43)}`);
        const reply = await browser.get("/clients");
        demand([302, 303, 307].includes(reply.status) && reply.location?.startsWith("/login"), `expected a redirect to /login, got ${reply}`);
      }),
      ...openRedirects.map((from) =>
        attack(`open redirect after sign-in: from=${JSON.stringify(from)}`, "303 to a path on this site", async () => {
          const reply = await loginWithFrom(from);
          demand(reply.status === 303 && staysHere(reply.location), `expected a redirect on this site, got ${reply}`);
        }),
      ),
      ...["https://evil.example/", "//evil.example", "/\\evil.example", "http://localhost.evil.example/"].map((callbackUrl) =>
        attack(`open redirect through Auth.js callbackUrl=${callbackUrl}`, "302 to this site", async () => {
          const browser = new Browser(fx.base);
          const csrfToken = (await browser.get("/api/auth/csrf")).json<{ csrfToken: string }>()!.csrfToken;
          const reply = await browser.postForm("/api/auth/callback/credentials", { csrfToken, email: fx.users.admin.email, password: fx.password, callbackUrl });
          demand(reply.status === 302 && staysHere(reply.location), `expected a redirect on this site, got ${reply}`);
        }),
      ),
      attack("open redirect through /api/auth/signin?callbackUrl=https://evil.example", "a redirect on this site", async () => {
        const reply = await new Browser(fx.base).get("/api/auth/signin?callbackUrl=https%3A%2F%2Fevil.example");
        demand([302, 303, 307].includes(reply.status) && sameSite(reply.location), `expected a redirect on this site, got ${reply}`);
      }),
      attack("open redirect through the authorization endpoint (unregistered redirect_uri)", "400 page, no redirect", async () => {
        expectErrorPage(await fx.developer.get(authorizeQuery(fx, fx.clients.app, { redirect_uri: "https://evil.example/cb", response_type: "bogus" })), 400, "invalid_request");
      }),
      attack("reviewer approves a pending client", "action result code forbidden; unchanged; console.denied audited", () =>
        deniedAndAudited(reviewer.id, () => callAction(fx.reviewer, "/tokens", "approveClientAction", { clientId: pending.id, reason: "x", serviceUser: "" }), async () => (await database.clientStatus(pending.id)) === "pending", "You need the clients:write scope"),
      ),
      attack("reviewer makes themselves iam_admin", "action result code forbidden; unchanged; console.denied audited", () =>
        deniedAndAudited(reviewer.id, () => callAction(fx.reviewer, `/users/${reviewer.id}`, "assignRoleAction", { userId: reviewer.id, role: "iam_admin" }), async () => JSON.stringify(await database.userRoles(reviewer.id)) === JSON.stringify(["access_reviewer"]), "You need the users:write scope"),
      ),
      attack("reviewer rewrites the registration policy", "action result code forbidden; unchanged; console.denied audited", async () => {
        const before = JSON.stringify(await database.settingValue("registration_policy"));
        await deniedAndAudited(reviewer.id, () => callAction(fx.reviewer, "/settings", "updateRegistrationPolicyAction", { allowedHosts: "", trustedCimdDomains: "evil.example" }), async () => JSON.stringify(await database.settingValue("registration_policy")) === before, "You need the settings:write scope");
      }),
      attack("developer suspends an approved client", "action result code forbidden; unchanged; console.denied audited", () =>
        deniedAndAudited(dev.id, async () => callAction(await fx.signIn(dev.email), "/tokens", "suspendClientAction", { clientId: fx.clients.app.id, reason: "x" }), async () => (await database.clientStatus(fx.clients.app.id)) === "active", "You need the clients:write scope"),
      ),
      attack("anonymous visitor calls the approve action", "redirect to /login; unchanged", async () => {
        const reply = await approveAttempt(new Browser(fx.base), { origin: fx.base });
        demand([303, 307].includes(reply.status) && reply.location?.startsWith("/login"), `expected a redirect to /login, got ${reply}`);
      }),
      attack("login brute force: the right password after 5 wrong ones", "throttled: 302 with code=throttled, no session", async () => {
        const target = fx.users.reviewer.email;
        const browser = new Browser(fx.base);
        const csrfToken = (await browser.get("/api/auth/csrf")).json<{ csrfToken: string }>()!.csrfToken;
        for (let i = 0; i < 5; i += 1) {
          const wrong = await browser.postForm("/api/auth/callback/credentials", { csrfToken, email: target, password: `wrong-${i}-password`, callbackUrl: "/" });
          if (browser.cookies.has("authjs.session-token")) fail(`a wrong password signed in: ${wrong}`);
        }
        const reply = await browser.postForm("/api/auth/callback/credentials", { csrfToken, email: target, password: fx.password, callbackUrl: "/" });
        demand(!browser.cookies.has("authjs.session-token"), `signed in despite the throttle: ${reply}`);
        const location = new URL(reply.location ?? "/", fx.base);
        demand(reply.status === 302 && location.searchParams.get("code") === "throttled", `expected the throttled refusal, got ${reply}`);
      }),
    ],
  };
}
