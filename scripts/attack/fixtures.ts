import { createHash, randomBytes } from "node:crypto";
import * as database from "./database";
import { demand } from "./harness";
import { Browser, send, type Reply } from "./http";

export interface RegisteredClient {
  id: string;
  secret?: string;
  redirectUri: string;
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  scope: string;
  jti: string;
}

export interface Fixtures {
  base: string;
  port: number;
  issuer: string;
  resource: string;
  password: string;
  users: Awaited<ReturnType<typeof database.seedUsers>>;
  clients: {
    /** Approved public client (authorization_code + refresh_token, PKCE). */
    app: RegisteredClient;
    /** A second approved public client, for codes and tokens presented by the wrong client. */
    other: RegisteredClient;
    pending: RegisteredClient;
    rejected: RegisteredClient;
    suspended: RegisteredClient;
    /** Approved confidential client_credentials client bound to the service user. */
    service: RegisteredClient;
  };
  /** Signed in to the console as the developer (the user the OAuth flows act for). */
  developer: Browser;
  admin: Browser;
  reviewer: Browser;
  /** Registers a client over HTTP (RFC 7591). */
  register(metadata: Record<string, unknown>): Promise<Reply>;
  /** Runs authorization code + PKCE through the real endpoints as the developer; returns the code. */
  authorize(client: RegisteredClient, options?: { scope?: string }): Promise<{ code: string; verifier: string }>;
  exchange(client: RegisteredClient, code: string, verifier: string): Promise<Tokens>;
  /** A fresh token set for `app` through the whole flow. */
  freshTokens(scope?: string): Promise<Tokens>;
  serviceToken(): Promise<Tokens>;
  signIn(email: string): Promise<Browser>;
}

export const pkcePair = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

export function jtiOf(token: string): string {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).jti as string;
}

export async function seedFixtures(base: string, port: number): Promise<Fixtures> {
  const password = `attack-${randomBytes(12).toString("base64url")}`;
  const users = await database.seedUsers(password);
  await database.allowManyRegistrations();

  const register = (metadata: Record<string, unknown>) =>
    send(`${base}/oauth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(metadata) });

  const publicClient = async (name: string, callbackPort: number, device = false): Promise<RegisteredClient> => {
    const redirectUri = `http://127.0.0.1:${callbackPort}/callback`;
    const reply = await register({
      client_name: name,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code", "refresh_token", ...(device ? ["urn:ietf:params:oauth:grant-type:device_code"] : [])],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: "account:read grants:own clients:read",
    });
    demand(reply.status === 201, `registering ${name} failed: ${reply}`);
    return { id: reply.json()!.client_id as string, redirectUri };
  };

  const clients = {
    app: await publicClient("Attack target app", 3931),
    other: await publicClient("Another app", 3932, true),
    pending: await publicClient("Pending app", 3933),
    rejected: await publicClient("Rejected app", 3934),
    suspended: await publicClient("Suspended app", 3935),
    service: await (async () => {
      const reply = await register({ client_name: "Attack service job", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic", redirect_uris: [] });
      demand(reply.status === 201, `registering the service client failed: ${reply}`);
      const body = reply.json()!;
      return { id: body.client_id as string, secret: body.client_secret as string, redirectUri: "" };
    })(),
  };
  await database.setClientStatus(clients.app.id, "active");
  await database.setClientStatus(clients.other.id, "active");
  await database.setClientStatus(clients.rejected.id, "rejected");
  await database.setClientStatus(clients.suspended.id, "suspended");
  await database.setClientStatus(clients.service.id, "active", users.service.email);
  // The server learns of changes made by another process from its change watcher (about a second).
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  const signIn = async (email: string): Promise<Browser> => {
    const browser = new Browser(base);
    const csrf = await browser.get("/api/auth/csrf");
    const csrfToken = csrf.json<{ csrfToken: string }>()?.csrfToken;
    demand(csrfToken, `no CSRF token from Auth.js: ${csrf}`);
    const reply = await browser.postForm("/api/auth/callback/credentials", { csrfToken, email, password, callbackUrl: "/" });
    demand(reply.status === 302 && browser.cookies.has("authjs.session-token"), `signing in as ${email} failed: ${reply}`);
    return browser;
  };
  const developer = await signIn(users.developer.email);
  const admin = await signIn(users.admin.email);
  const reviewer = await signIn(users.reviewer.email);

  const resource = `${base}/mcp`;
  const authorize = async (client: RegisteredClient, options: { scope?: string } = {}) => {
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(8).toString("hex");
    const params = new URLSearchParams({
      response_type: "code",
      client_id: client.id,
      redirect_uri: client.redirectUri,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state,
      resource,
      scope: options.scope ?? "account:read grants:own",
    });
    let reply = await developer.get(`/oauth/authorize?${params}`);
    if (reply.location?.startsWith("/oauth/consent")) {
      const page = await developer.get(reply.location);
      const hidden = [...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, n, v]) => [n, decodeEntities(v)]);
      const consentToken = hidden.find(([n]) => n === "consent_token");
      demand(consentToken, `the consent page had no consent token: ${page}`);
      const form = new URLSearchParams(hidden);
      for (const scope of (options.scope ?? "account:read grants:own").split(" ")) form.append("grant_scope", scope);
      form.set("decision", "allow");
      reply = await developer.postForm("/oauth/authorize", form, { origin: base });
    }
    demand(reply.location?.startsWith(client.redirectUri), `authorization did not come back to the client: ${reply}`);
    const back = new URL(reply.location!);
    demand(back.searchParams.get("state") === state && back.searchParams.get("code"), `no code in ${reply.location}`);
    return { code: back.searchParams.get("code")!, verifier };
  };

  const exchange = async (client: RegisteredClient, code: string, verifier: string): Promise<Tokens> => {
    const reply = await send(`${base}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: client.redirectUri, client_id: client.id, resource }),
    });
    demand(reply.status === 200, `code exchange failed: ${reply}`);
    const tokens = reply.json<Tokens>()!;
    return { ...tokens, jti: jtiOf(tokens.access_token) };
  };

  const serviceToken = async (): Promise<Tokens> => {
    const reply = await send(`${base}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${clients.service.id}:${clients.service.secret}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "client_credentials", resource }),
    });
    demand(reply.status === 200, `client_credentials failed: ${reply}`);
    const tokens = reply.json<Tokens>()!;
    return { ...tokens, jti: jtiOf(tokens.access_token) };
  };

  return {
    base,
    port,
    issuer: base,
    resource,
    password,
    users,
    clients,
    developer,
    admin,
    reviewer,
    register,
    authorize,
    exchange,
    async freshTokens(scope) {
      const { code, verifier } = await authorize(clients.app, { scope });
      return exchange(clients.app, code, verifier);
    },
    serviceToken,
    signIn,
  };
}

function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
