/**
 * A local stand-in for the WorkOS API and an AuthKit domain, for tests: the WorkOS API cannot be reached from the
 * machines Portcullis is tested on. It speaks exactly the HTTP the real `@workos-inc/node` SDK sends for the flows
 * Portcullis uses, serves a JWKS and mints AuthKit-shaped RS256 access tokens.
 *
 *   GET  /oauth2/jwks                              AuthKit token signing keys
 *   GET  /.well-known/oauth-authorization-server   AuthKit metadata (RFC 8414)
 *   GET  /oauth2/authorize                         an MCP client starts OAuth with AuthKit → redirect to the Login URI
 *   POST /authkit/oauth2/complete                  bridge: `workos.connect.completeOAuth2`
 *   GET  /oauth2/authorize/resume                  where a completed bridge sign-in lands (AuthKit would issue a code)
 *   GET  /user_management/authorize                console sign-in: hosted login page (`getAuthorizationUrl`)
 *   POST /user_management/authorize               … its form: issues a code to the redirect URI
 *   POST /user_management/authenticate             `userManagement.authenticateWithCode`
 *   GET  /user_management/users/:id                `userManagement.getUser`
 *
 * Self-contained (node and jose only) so Playwright specs can import it as well as vitest.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

export interface StandinUser {
  id: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  externalId: string | null;
}

export interface StandinRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

export interface Failure {
  status?: number;
  body?: unknown;
  /** Hold the response this long first (for timeouts). */
  delayMs?: number;
  /** How many requests to fail (default 1). */
  times?: number;
}

export interface AccessTokenClaims {
  sub: string;
  aud?: string | string[];
  client_id?: string;
  azp?: string;
  scope?: string;
  org_id?: string;
  sid?: string;
  role?: string;
  roles?: string[];
  permissions?: string[];
  jti?: string;
  iat?: number;
  exp?: number;
  iss?: string;
  [claim: string]: unknown;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  published: boolean;
}

interface BridgeAuth {
  clientId: string;
  redirectUri: string;
  state: string | null;
  completedBy?: StandinUser;
}

interface ConsoleCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  used: boolean;
}

export interface WorkosStandin {
  /** `http://127.0.0.1:<port>`: both the WorkOS API URL and the AuthKit domain (the tokens' `iss`). */
  origin: string;
  port: number;
  apiKey: string;
  clientId: string;
  requests: StandinRequest[];
  users: Map<string, StandinUser>;
  /** Where AuthKit sends the browser with `external_auth_id` (bridge mode). */
  setLoginUri(uri: string): void;
  addUser(user: Partial<StandinUser> & { email: string }): StandinUser;
  /** An AuthKit OAuth request waiting for the Login URI, as if an MCP client had started one. */
  startBridgeAuth(options?: { clientId?: string; redirectUri?: string }): string;
  bridgeAuth(externalAuthId: string): BridgeAuth | undefined;
  /** The next requests to `path` fail as described. */
  failNext(path: string, failure: Failure): void;
  mintAccessToken(claims: AccessTokenClaims, options?: { kid?: string; alg?: "RS256" }): Promise<string>;
  /** A new signing key: published at once, or kept unpublished (tokens it signs must be refused). */
  addSigningKey(options?: { published?: boolean }): Promise<string>;
  publishKey(kid: string): void;
  jwksFetches(): number;
  close(): Promise<void>;
}

const API_KEY = "sk_test_standin_0123456789";
const CLIENT_ID = "client_01STANDIN0000000000000000";

function ulid(): string {
  return randomBytes(13).toString("hex").toUpperCase().slice(0, 26);
}

function wireUser(user: StandinUser) {
  const now = new Date().toISOString();
  return {
    object: "user",
    id: user.id,
    email: user.email,
    email_verified: user.emailVerified,
    first_name: user.firstName,
    last_name: user.lastName,
    profile_picture_url: null,
    last_sign_in_at: now,
    locale: null,
    created_at: now,
    updated_at: now,
    external_id: user.externalId,
    metadata: {},
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return null;
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (typeof body === "string") {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers }).end(body);
    return;
  }
  res.writeHead(status, { "content-type": "application/json", "x-request-id": randomUUID(), ...headers }).end(JSON.stringify(body));
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startWorkosStandin(options: { port?: number } = {}): Promise<WorkosStandin> {
  const keys: SigningKey[] = [];
  const users = new Map<string, StandinUser>();
  const bridgeAuths = new Map<string, BridgeAuth>();
  const codes = new Map<string, ConsoleCode>();
  const failures = new Map<string, Failure & { remaining: number }>();
  const requests: StandinRequest[] = [];
  let loginUri: string | null = null;
  let jwksFetches = 0;
  let origin = "";

  async function addSigningKey({ published = true } = {}): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = `sso_oidc_key_pair_${ulid()}`;
    keys.push({ kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }, published });
    return kid;
  }
  await addSigningKey();

  function addUser(input: Partial<StandinUser> & { email: string }): StandinUser {
    const user: StandinUser = {
      id: input.id ?? `user_${ulid()}`,
      email: input.email,
      emailVerified: input.emailVerified ?? true,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      externalId: input.externalId ?? null,
    };
    users.set(user.id, user);
    return user;
  }

  const bearer = (req: IncomingMessage) => req.headers.authorization === `Bearer ${API_KEY}`;

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown): Promise<void> {
    const path = url.pathname;
    const json = (body ?? {}) as Record<string, any>;

    if (req.method === "GET" && path === "/oauth2/jwks") {
      jwksFetches += 1;
      return send(res, 200, { keys: keys.filter((k) => k.published).map((k) => k.publicJwk) });
    }
    if (req.method === "GET" && path === "/.well-known/oauth-authorization-server") {
      return send(res, 200, {
        issuer: origin,
        authorization_endpoint: `${origin}/oauth2/authorize`,
        token_endpoint: `${origin}/oauth2/token`,
        registration_endpoint: `${origin}/oauth2/register`,
        jwks_uri: `${origin}/oauth2/jwks`,
        code_challenge_methods_supported: ["S256"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        response_types_supported: ["code"],
      });
    }
    if (req.method === "GET" && path === "/oauth2/authorize") {
      if (!loginUri) return send(res, 500, "<h1>No Login URI configured</h1>");
      const externalAuthId = startBridgeAuth({
        clientId: url.searchParams.get("client_id") ?? "client_mcp",
        redirectUri: url.searchParams.get("redirect_uri") ?? "http://127.0.0.1/callback",
      });
      const target = new URL(loginUri);
      target.searchParams.set("external_auth_id", externalAuthId);
      return send(res, 302, "", { location: target.href });
    }
    if (req.method === "GET" && path === "/oauth2/authorize/resume") {
      const auth = bridgeAuths.get(url.searchParams.get("external_auth_id") ?? "");
      if (!auth?.completedBy) return send(res, 400, "<h1>AuthKit stand-in: unknown or unfinished sign-in</h1>");
      return send(
        res,
        200,
        `<!doctype html><title>AuthKit</title><h1>AuthKit stand-in</h1><p data-testid="authkit-resumed">Signed in as ${escapeHtml(
          auth.completedBy.email,
        )} (external id ${escapeHtml(auth.completedBy.externalId ?? "")}) for ${escapeHtml(auth.clientId)}</p>`,
      );
    }
    if (req.method === "POST" && path === "/authkit/oauth2/complete") {
      if (!bearer(req)) return send(res, 401, { message: "Unauthorized" });
      const auth = bridgeAuths.get(String(json.external_auth_id ?? ""));
      if (!auth) return send(res, 404, { code: "external_auth_not_found", message: "External auth not found" });
      const input = json.user ?? {};
      if (typeof input.id !== "string" || typeof input.email !== "string") {
        return send(res, 422, { code: "invalid_request_parameters", message: "user.id and user.email are required", errors: [] });
      }
      let user = [...users.values()].find((u) => u.externalId === input.id);
      if (!user && [...users.values()].some((u) => u.email === input.email)) {
        return send(res, 422, { code: "email_taken", message: "A user with this email already exists", errors: [] });
      }
      user ??= addUser({ email: input.email, externalId: input.id });
      Object.assign(user, { email: input.email, firstName: input.first_name ?? null, lastName: input.last_name ?? null });
      auth.completedBy = user;
      const resume = new URL(`${origin}/oauth2/authorize/resume`);
      resume.searchParams.set("external_auth_id", String(json.external_auth_id));
      return send(res, 200, { redirect_uri: resume.href });
    }
    if (path === "/user_management/authorize") {
      const params = req.method === "POST" ? new URLSearchParams(json as Record<string, string>) : url.searchParams;
      const clientId = params.get("client_id");
      const redirectUri = params.get("redirect_uri");
      if (clientId !== CLIENT_ID || !redirectUri) return send(res, 400, "<h1>AuthKit stand-in: invalid client or redirect URI</h1>");
      if (req.method === "GET") {
        const hidden = [...url.searchParams].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join("");
        return send(
          res,
          200,
          `<!doctype html><title>AuthKit sign-in</title><h1>Sign in to AuthKit (stand-in)</h1><form method="post" action="/user_management/authorize">${hidden}<label>Email <input name="email" type="email"></label><button type="submit">Continue</button></form>`,
        );
      }
      const email = params.get("email") ?? "";
      const user = [...users.values()].find((u) => u.email === email) ?? addUser({ email });
      const code = randomBytes(16).toString("hex");
      codes.set(code, { userId: user.id, clientId, redirectUri, codeChallenge: params.get("code_challenge"), used: false });
      const target = new URL(redirectUri);
      target.searchParams.set("code", code);
      if (params.get("state")) target.searchParams.set("state", params.get("state")!);
      return send(res, 302, "", { location: target.href });
    }
    if (req.method === "POST" && path === "/user_management/authenticate") {
      const grant = codes.get(String(json.code ?? ""));
      if (json.client_id !== CLIENT_ID || json.client_secret !== API_KEY) {
        return send(res, 401, { error: "invalid_client", error_description: "Invalid client credentials." });
      }
      if (json.grant_type !== "authorization_code" || !grant || grant.used || grant.clientId !== json.client_id) {
        return send(res, 400, { error: "invalid_grant", error_description: "The code is invalid or has expired." });
      }
      if (grant.codeChallenge) {
        const verifier = String(json.code_verifier ?? "");
        if (createHash("sha256").update(verifier).digest("base64url") !== grant.codeChallenge) {
          return send(res, 400, { error: "invalid_grant", error_description: "The code verifier does not match." });
        }
      }
      grant.used = true;
      const user = users.get(grant.userId)!;
      return send(res, 200, {
        user: wireUser(user),
        organization_id: null,
        access_token: await mintAccessToken({ sub: user.id, aud: CLIENT_ID }),
        refresh_token: randomBytes(16).toString("hex"),
        authentication_method: "Password",
      });
    }
    const userMatch = /^\/user_management\/users\/([^/]+)$/.exec(path);
    if (req.method === "GET" && userMatch) {
      if (!bearer(req)) return send(res, 401, { message: "Unauthorized" });
      const user = users.get(decodeURIComponent(userMatch[1]));
      return user ? send(res, 200, wireUser(user)) : send(res, 404, { code: "entity_not_found", message: "User not found" });
    }
    return send(res, 404, { message: `The stand-in does not implement ${req.method} ${path}` });
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", origin);
      const body = await readBody(req);
      requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: req.headers.authorization ?? null, body });
      const failure = failures.get(url.pathname);
      if (failure && failure.remaining > 0) {
        failure.remaining -= 1;
        if (failure.delayMs) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
        if (res.destroyed) return;
        return send(res, failure.status ?? 500, failure.body ?? { message: "Internal server error" });
      }
      await route(req, res, url, body);
    })().catch((error) => {
      if (!res.headersSent) send(res, 500, { message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  function startBridgeAuth({ clientId = "client_mcp", redirectUri = "http://127.0.0.1/callback" } = {}): string {
    const id = `ext_auth_${ulid()}`;
    bridgeAuths.set(id, { clientId, redirectUri, state: null });
    return id;
  }

  async function mintAccessToken(claims: AccessTokenClaims, { kid, alg = "RS256" }: { kid?: string; alg?: "RS256" } = {}): Promise<string> {
    const key = kid ? keys.find((k) => k.kid === kid) : keys.find((k) => k.published);
    if (!key) throw new Error(`no signing key ${kid ?? "(published)"}`);
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: origin, iat: now, exp: now + 300, jti: ulid(), sid: `session_${ulid()}`, ...claims };
    return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid, typ: "JWT" }).sign(key.privateKey);
  }

  return {
    origin,
    port,
    apiKey: API_KEY,
    clientId: CLIENT_ID,
    requests,
    users,
    setLoginUri: (uri) => {
      loginUri = uri;
    },
    addUser,
    startBridgeAuth,
    bridgeAuth: (id) => bridgeAuths.get(id),
    failNext: (path, failure) => {
      failures.set(path, { ...failure, remaining: failure.times ?? 1 });
    },
    mintAccessToken,
    addSigningKey,
    publishKey: (kid) => {
      const key = keys.find((k) => k.kid === kid);
      if (key) key.published = true;
    },
    jwksFetches: () => jwksFetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
