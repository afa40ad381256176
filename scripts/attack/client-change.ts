import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import { db } from "@/lib/db/client";
import { revokeOwnGrant } from "@/lib/grants/revoke-own-grant";
import type { AttackDeps } from "./deps";
import { authorizeQuery, CIMD_MIN_CACHE_SECONDS } from "./deps";
import { pkcePair, type RegisteredClient } from "./fixtures";
import { attack, demand, type AttackArea } from "./harness";
import { Browser, expectErrorPage, expectOAuthError, expectRedirectError, send, type Reply } from "./http";
import { sign, signer, type Signer } from "./signing";

const APPROVED_CALLBACK = "http://127.0.0.1:3941/callback";
const ATTACKER_CALLBACK = "https://attacker.example/callback";
const DOCUMENT_PATH = "/changing-client.json";
const KEY_DOCUMENT_PATH = "/changing-key-client.json";
const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Answers the consent screen (if one is shown) as `browser`, granting `scope`; returns the final reply. */
async function consentIfAsked(browser: Browser, authorizePath: string, scope: string): Promise<Reply> {
  let reply = await browser.get(authorizePath);
  if (reply.location?.startsWith("/oauth/consent")) {
    const page = await browser.get(reply.location);
    const hidden = [...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, n, v]) => [n, v.replace(/&amp;/g, "&")]);
    demand(hidden.some(([n]) => n === "consent_token"), `the consent page had no consent token: ${page}`);
    const form = new URLSearchParams(hidden);
    for (const s of scope.split(" ")) form.append("grant_scope", s);
    form.set("decision", "allow");
    reply = await browser.postForm("/oauth/authorize", form, { origin: browser.base });
  }
  return reply;
}

function codeIn(reply: Reply, redirectUri: string): string | null {
  if (!reply.location?.startsWith(redirectUri)) return null;
  return new URL(reply.location).searchParams.get("code");
}

/**
 * Remembered consent and changing clients: a consent must not outlive the grant it produced, must not cover another
 * scope or redirect URI, and an approved metadata-document client that re-points its redirect URIs, or signs with a key
 * its approval never saw, must go back to review instead of receiving codes or tokens silently.
 */
export function attacks({ fx, cimd }: AttackDeps): AttackArea {
  // The metadata-document instance has its own embedded database: its user and its auto-approve rule are made by a
  // guest process (scripts/attack/cimd-operator.ts), started now so that the cases below do not wait for it.
  const operator = (task: { email: string; password: string } | { approve: string }) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn("node_modules/.bin/tsx", ["scripts/attack/cimd-operator.ts"], {
        env: {
          ...process.env,
          PORTCULLIS_DATA_DIR: dirname(cimd.documents.caFile),
          DATABASE_URL: "",
          PORTCULLIS_SECRET: "",
          PORTCULLIS_BASE_URL: cimd.base,
          ...("approve" in task ? { ATTACK_OPERATOR_APPROVE: task.approve } : { ATTACK_OPERATOR_EMAIL: task.email, ATTACK_OPERATOR_PASSWORD: task.password }),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`cimd-operator failed (${code}): ${output}`))));
    });
  const documentUrl = `${cimd.documents.base}${DOCUMENT_PATH}`;
  const documentWith = (redirect_uris: string[]) => ({
    client_id: documentUrl,
    client_name: "Changing client",
    redirect_uris,
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    scope: "account:read",
  });
  const cimdAuthorize = (redirectUri: string, extra: Record<string, string> = {}) =>
    `/oauth/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: documentUrl,
      redirect_uri: redirectUri,
      code_challenge: pkcePair().challenge,
      code_challenge_method: "S256",
      state: "change-state",
      resource: `${cimd.base}/mcp`,
      scope: "account:read",
      ...extra,
    })}`;
  let stage = "creating the user and the auto-approve rule";
  const approvedDocumentClient: Promise<Browser> = (async () => {
    cimd.documents.set(DOCUMENT_PATH, documentWith([APPROVED_CALLBACK]));
    const email = `changer-${randomBytes(4).toString("hex")}@attack.test`;
    const password = `attack-${randomBytes(12).toString("base64url")}`;
    await operator({ email, password });
    stage = "signing in";
    const browser = new Browser(cimd.base);
    const csrfToken = (await browser.get("/api/auth/csrf")).json<{ csrfToken: string }>()?.csrfToken;
    demand(csrfToken, "no CSRF token from the metadata-document instance");
    const signedIn = await browser.postForm("/api/auth/callback/credentials", { csrfToken, email, password, callbackUrl: "/" });
    demand(signedIn.status === 302 && browser.cookies.has("authjs.session-token"), `signing in on the metadata-document instance failed: ${signedIn}`);
    // First sight creates the client (pending); the operator approves it.
    // First sight: the policy's rule for the redirect host 127.0.0.1 approves the client.
    stage = "first sight of the client";
    const first = await browser.get(cimdAuthorize(APPROVED_CALLBACK));
    demand(first.location?.includes("/oauth/consent"), `the auto-approved client was not sent to consent: ${first}`);
    stage = "done";
    return browser;
  })();
  approvedDocumentClient.catch(() => {});

  // An approved private_key_jwt metadata-document client holding a refresh token; then whoever controls its document
  // swaps in their own key. Prepared as soon as the instance is set up, so its cache lifetime runs out beside the
  // redirect case's.
  const keyDocumentUrl = `${cimd.documents.base}${KEY_DOCUMENT_PATH}`;
  // Its redirect host is not the one the auto-approve rule trusts: an admin approves it after review. (A client the
  // rule approves is approved again by the rule after any change, keys included: the rule would admit the new document
  // as a new client too.)
  const KEY_CALLBACK = "https://key-client.example/callback";
  const keyDocument = (key: Signer) => ({
    ...documentWith([KEY_CALLBACK]),
    client_id: keyDocumentUrl,
    client_name: "Key-signing client",
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "private_key_jwt",
    jwks: { keys: [key.publicJwk] },
  });
  const assertion = (key: Signer) => sign(key, { iss: keyDocumentUrl, sub: keyDocumentUrl, aud: cimd.base });
  const onCimdToken = async (fields: Record<string, string>) =>
    send(`${cimd.base}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
  const swappedKey = approvedDocumentClient.then(async (browser) => {
    const [approvedKey, attackerKey] = await Promise.all([signer("ES256"), signer("ES256")]);
    cimd.documents.set(KEY_DOCUMENT_PATH, keyDocument(approvedKey));
    const { verifier, challenge } = pkcePair();
    const authorize = `/oauth/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: keyDocumentUrl,
      redirect_uri: KEY_CALLBACK,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "key-state",
      resource: `${cimd.base}/mcp`,
      scope: "account:read",
    })}`;
    const firstSight = await browser.get(authorize);
    demand(firstSight.status === 403, `the key client was not held for review at first sight: ${firstSight}`);
    await operator({ approve: keyDocumentUrl });
    const code = codeIn(await consentIfAsked(browser, authorize, "account:read"), KEY_CALLBACK);
    demand(code, "the auto-approved key client got no code (the case proves nothing)");
    const issued = await onCimdToken({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: KEY_CALLBACK,
      client_id: keyDocumentUrl,
      resource: `${cimd.base}/mcp`,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await assertion(approvedKey),
    });
    const refreshToken = issued.json<{ refresh_token?: string }>()?.refresh_token;
    demand(issued.status === 200 && refreshToken, `the approved key did not get tokens (the case proves nothing): ${issued}`);
    cimd.documents.set(KEY_DOCUMENT_PATH, keyDocument(attackerKey));
    return { attackerKey, refreshToken, swappedAt: Date.now() };
  });
  swappedKey.catch(() => {});

  /** A fresh grant for `client` with remembered consent for `scope`, proven by a prompt=none request that gets a code. */
  const rememberedGrant = async (client: RegisteredClient, scope: string) => {
    const { code, verifier } = await fx.authorize(client, { scope });
    const tokens = await fx.exchange(client, code, verifier);
    const silent = await fx.developer.get(authorizeQuery(fx, client, { scope, prompt: "none" }));
    demand(codeIn(silent, client.redirectUri), `remembered consent did not answer prompt=none before the attack (the case proves nothing): ${silent}`);
    return tokens;
  };
  const grantOf = async (jti: string) => (await db().accessToken.findUniqueOrThrow({ where: { jti }, select: { grantId: true } })).grantId;

  return {
    name: "Client change and consent",
    cases: [
      attack("after the user revokes the client on Connect, a crafted prompt=none link", "302 to the client with consent_required, no code", async () => {
        const tokens = await rememberedGrant(fx.clients.app, "account:read");
        await revokeOwnGrant(await grantOf(tokens.jti), fx.users.developer.id, { actor: `user:${fx.users.developer.id}` });
        const reply = await fx.developer.get(authorizeQuery(fx, fx.clients.app, { prompt: "none" }));
        expectRedirectError(reply, fx.clients.app.redirectUri, "consent_required", "attack-state", fx.issuer);
      }),
      attack("after the client revokes its refresh token (RFC 7009), a crafted prompt=none link", "302 to the client with consent_required, no code", async () => {
        const tokens = await rememberedGrant(fx.clients.app, "account:read");
        demand(tokens.refresh_token, "no refresh token to revoke");
        const revoked = await send(`${fx.base}/oauth/revoke`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: "refresh_token", client_id: fx.clients.app.id }),
        });
        demand(revoked.status === 200, `revocation failed: ${revoked}`);
        const reply = await fx.developer.get(authorizeQuery(fx, fx.clients.app, { prompt: "none" }));
        expectRedirectError(reply, fx.clients.app.redirectUri, "consent_required", "attack-state", fx.issuer);
      }),
      attack("consent for account:read silently covers grants:own (prompt=none)", "302 to the client with consent_required, no code", async () => {
        await rememberedGrant(fx.clients.app, "account:read");
        const reply = await fx.developer.get(authorizeQuery(fx, fx.clients.app, { scope: "account:read grants:own", prompt: "none" }));
        expectRedirectError(reply, fx.clients.app.redirectUri, "consent_required", "attack-state", fx.issuer);
      }),
      attack("consent given at one redirect URI silently covers the client's other one (prompt=none)", "302 to the other URI with consent_required, no code", async () => {
        const first = "http://127.0.0.1:3942/callback";
        const second = "http://127.0.0.1:3943/other-callback";
        const registered = await fx.register({ client_name: "Two callbacks", redirect_uris: [first, second], grant_types: ["authorization_code"], token_endpoint_auth_method: "none", scope: "account:read" });
        demand(registered.status === 201, `registration failed: ${registered}`);
        const id = registered.json()!.client_id as string;
        await (await import("./database")).setClientStatus(id, "active");
        const client: RegisteredClient = { id, redirectUri: first };
        const consented = await consentIfAsked(fx.developer, authorizeQuery(fx, client), "account:read");
        demand(codeIn(consented, first), `no code after consenting: ${consented}`);
        const reply = await fx.developer.get(authorizeQuery(fx, { id, redirectUri: second }, { prompt: "none" }));
        expectRedirectError(reply, second, "consent_required", "attack-state", fx.issuer);
      }),
      attack("response_mode=fragment (the code would travel where this server does not put it)", "302 to the client with invalid_request, no code", async () => {
        const reply = await fx.developer.get(authorizeQuery(fx, fx.clients.app, { response_mode: "fragment" }));
        expectRedirectError(reply, fx.clients.app.redirectUri, "invalid_request", "attack-state", fx.issuer);
      }),
      // Last: its set-up (a user and an approval on the other instance, by the CLI) runs while the cases above do.
      attack(
        "auto-approved metadata-document client re-points its redirect URI to another host; a consented user follows a prompt=none link",
        "403 page unauthorized_client (back in review), no code at the new host",
        async () => {
          const browser = await Promise.race([
            approvedDocumentClient,
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`set-up not finished; it was at: ${stage}`)), 17_000)),
          ]);
          const first = await consentIfAsked(browser, cimdAuthorize(APPROVED_CALLBACK), "account:read");
          demand(codeIn(first, APPROVED_CALLBACK), `the approved client did not get a code at its approved callback: ${first}`);
          const silent = await browser.get(cimdAuthorize(APPROVED_CALLBACK, { prompt: "none" }));
          demand(codeIn(silent, APPROVED_CALLBACK), `remembered consent did not answer prompt=none before the change (the case proves nothing): ${silent}`);

          cimd.documents.set(DOCUMENT_PATH, documentWith([ATTACKER_CALLBACK]));
          // The instance keeps a document at least its minimum lifetime, whatever its headers say: wait it out.
          await new Promise((resolve) => setTimeout(resolve, CIMD_MIN_CACHE_SECONDS * 1000 + 500));
          const reply = await browser.get(cimdAuthorize(ATTACKER_CALLBACK, { prompt: "none" }));
          demand(!reply.location?.startsWith(ATTACKER_CALLBACK), `a code went to the attacker's host: ${reply}`);
          expectErrorPage(reply, 403, "unauthorized_client", "waiting for approval");
        },
      ),
      attack(
        "approved private_key_jwt metadata-document client's document swaps in another signing key; a refresh signed with it",
        "400 unauthorized_client (back in review), no token",
        async () => {
          const { attackerKey, refreshToken, swappedAt } = await Promise.race([
            swappedKey,
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`set-up not finished; it was at: ${stage}`)), 17_000)),
          ]);
          const wait = swappedAt + CIMD_MIN_CACHE_SECONDS * 1000 + 500 - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          const reply = await onCimdToken({
            grant_type: "refresh_token",
            refresh_token: refreshToken,
            client_id: keyDocumentUrl,
            client_assertion_type: CLIENT_ASSERTION_TYPE,
            client_assertion: await assertion(attackerKey),
          });
          expectOAuthError(reply, 400, "unauthorized_client");
          demand(!reply.json<{ access_token?: string }>()?.access_token, `a token was issued: ${reply}`);
        },
      ),
    ],
  };
}
