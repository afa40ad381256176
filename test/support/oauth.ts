import { CLIENT_IP_HEADER } from "@/lib/http/client-address";
import { createHash, randomBytes } from "node:crypto";
import { CLI_CONTEXT } from "@/lib/audit";
import { approveClient } from "@/lib/clients/approve-client";
import { registerClient } from "@/lib/clients/register-client";
import { handleAuthorizationRequest } from "@/lib/oauth/authorize/handle-authorization-request";
import { handleConsentDecision } from "@/lib/oauth/authorize/handle-consent-decision";
import { prepareConsentScreen } from "@/lib/oauth/authorize/prepare-consent-screen";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";
import { createUser } from "@/lib/users/create-user";

/** Builders for requests in integration tests: what an HTTP client would send to the endpoints. */
const BASE = "http://localhost:3999";

export function jsonRequest(path: string, body: unknown, init: { ip?: string; headers?: Record<string, string> } = {}): Request {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", [CLIENT_IP_HEADER]: init.ip ?? "192.0.2.10", ...init.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function formRequest(
  path: string,
  params: Record<string, string> | URLSearchParams | string,
  init: { ip?: string; headers?: Record<string, string>; basic?: [string, string] } = {},
): Request {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    [CLIENT_IP_HEADER]: init.ip ?? "192.0.2.10",
    ...init.headers,
  };
  if (init.basic) {
    // RFC 6749 §2.3.1: each part form-urlencoded before Basic encoding.
    const [id, secret] = init.basic.map((v) => encodeURIComponent(v));
    headers.Authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  }
  const body = typeof params === "string" ? params : new URLSearchParams(params).toString();
  return new Request(`${BASE}${path}`, { method: "POST", headers, body });
}

export async function readJson(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

export const TEST_ISSUER = BASE;
export const TEST_RESOURCE = `${BASE}/mcp`;
export const REDIRECT_URI = "http://127.0.0.1:33418/callback";
const REQUEST_CTX = { actor: "anonymous", ip: "192.0.2.10", requestId: "test" };

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

let userCounter = 0;
/** A person with the given roles, as the consent screen sees them. */
export async function testUser(roles: string[]): Promise<SignedInUser> {
  userCounter += 1;
  const email = `user${userCounter}-${randomBytes(3).toString("hex")}@example.test`;
  const user = await createUser({ email, name: `User ${userCounter}`, password: "correct horse battery", roles }, CLI_CONTEXT);
  return { id: user.id, email: user.email, name: user.name };
}

/** A client registered by DCR (from its own address) and, unless told otherwise, approved. */
export async function testClient(
  metadata: Record<string, unknown> = {},
  options: { approve?: boolean; scopes?: string[]; serviceUser?: string } = {},
): Promise<{ clientId: string; clientSecret: string | null }> {
  const registered = await registerClient(
    {
      client_name: "Test client",
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      token_endpoint_auth_method: "none",
      ...metadata,
    },
    { actor: "anonymous", ip: `10.${userCounter}.${randomBytes(1)[0]}.${randomBytes(1)[0]}` },
  );
  if (options.approve ?? true) {
    await approveClient(registered.clientId, "test", CLI_CONTEXT, { scopes: options.scopes, serviceUser: options.serviceUser });
  }
  return { clientId: registered.clientId, clientSecret: registered.clientSecret };
}

export function authorizeUrl(params: Record<string, string | undefined>): URL {
  const url = new URL(`${BASE}/oauth/authorize`);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(key, value);
  return url;
}

export function standardAuthorizeParams(clientId: string, challenge: string, extra: Record<string, string | undefined> = {}) {
  return {
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "st-123",
    resource: TEST_RESOURCE,
    ...extra,
  };
}

export function authorize(url: URL, user: SignedInUser | null): Promise<Response> {
  return handleAuthorizationRequest(url, user, REQUEST_CTX);
}

/** Posts the consent form as the browser would, with the token the screen rendered. */
export async function decideConsent(
  url: URL,
  user: SignedInUser,
  decision: "allow" | "deny",
  choose?: (scopes: string[]) => string[],
): Promise<Response> {
  const screen = await prepareConsentScreen(url.searchParams, user, REQUEST_CTX);
  if (!screen) throw new Error("the request is not valid for consent");
  const form = new URLSearchParams(screen.params);
  form.set("consent_token", screen.consentToken);
  form.set("decision", decision);
  const names = screen.scopes.map((s) => s.name);
  for (const scope of choose ? choose(names) : names) form.append("grant_scope", scope);
  return handleConsentDecision(
    new Request(`${BASE}/oauth/authorize`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: form.toString(),
    }),
    user,
    REQUEST_CTX,
  );
}

/** Runs authorization through consent and returns the code from the redirect. */
export async function obtainCode(clientId: string, user: SignedInUser, options: { scope?: string; choose?: (s: string[]) => string[] } = {}) {
  const { verifier, challenge } = pkcePair();
  const url = authorizeUrl(standardAuthorizeParams(clientId, challenge, { scope: options.scope }));
  const response = await decideConsent(url, user, "allow", options.choose);
  const location = new URL(response.headers.get("location")!);
  const code = location.searchParams.get("code");
  if (!code) throw new Error(`no code: ${location}`);
  return { code, verifier, location };
}

export async function token(params: Record<string, string> | string, init: { basic?: [string, string]; headers?: Record<string, string> } = {}) {
  const response = await handleTokenRequest(formRequest("/oauth/token", params, init)).catch(oauthErrorResponse);
  return { status: response.status, body: await readJson(response), headers: response.headers };
}

export async function exchangeCode(clientId: string, code: string, verifier: string, extra: Record<string, string> = {}) {
  return token({ grant_type: "authorization_code", client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT_URI, resource: TEST_RESOURCE, ...extra });
}
