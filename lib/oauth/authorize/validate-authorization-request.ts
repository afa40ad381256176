import type { AuditContext } from "@/lib/audit";
import { ClientMetadataDocumentError } from "@/lib/clients/fetch-client-metadata-document";
import { findClient, type Client } from "@/lib/clients/find-client";
import { env } from "@/lib/env";
import { GRANT_TYPES } from "@/lib/oauth/constants";
import {
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  isOAuthError,
  UnauthorizedClient,
  UnsupportedResponseType,
  type OAuthError,
} from "@/lib/oauth/errors";
import { parseScopeParameter } from "@/lib/oauth/scopes";
import { resolveProtectedResource } from "@/lib/gateway/resolve-protected-resource";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

/** A request that passed every check: what the consent screen shows and the code is bound to. */
export interface ValidAuthorizationRequest {
  client: Client;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  resource: string;
  /** The scopes asked for; when the request named none, the client's allow-list (RFC 6749 §3.3 default). */
  requestedScopes: string[];
  prompt: "none" | "consent" | undefined;
  /** The request's parameters, to carry through sign-in and consent unchanged. */
  params: Record<string, string>;
}

export type AuthorizationOutcome =
  /** Errors about the client or the redirect URI: shown to the user, never sent to an unverified redirect URI. */
  | { kind: "show_error"; status: 400 | 403; error: string; description: string; clientName?: string }
  /** A registered client not yet approved: the user is told so, and no code is issued. */
  | { kind: "pending"; client: Client }
  /** Everything else: RFC 6749 §4.1.2.1, sent back to the (verified) redirect URI with state and iss. */
  | { kind: "redirect_error"; error: OAuthError; redirectUri: string; state: string | undefined }
  | { kind: "valid"; request: ValidAuthorizationRequest };

interface Context {
  search: URLSearchParams;
  params: Record<string, string>;
  audit: AuditContext;
  client?: Client;
  redirectUri?: string;
  codeChallenge?: string;
  resource?: string;
  scopes?: string[];
}

type Check =
  | { name: string; shown: true; run(ctx: Context): Promise<AuthorizationOutcome | void> | AuthorizationOutcome | void }
  | { name: string; shown: false; run(ctx: Context): Promise<void> | void };

const showError = (status: 400 | 403, error: string, description: string, clientName?: string): AuthorizationOutcome => ({
  kind: "show_error",
  status,
  error,
  description,
  clientName,
});

// RFC 7636 §4.2: S256 yields 43 base64url characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The checks of an authorization request, in order. The first group's failures are shown on a page (until the client
 * and its redirect URI are verified there is nowhere safe to send them); the second group's are redirected.
 */
const CHECKS: Check[] = [
  {
    // RFC 6749 §3.1: parameters MUST NOT be repeated. Checked first: a repeated client_id or redirect_uri is ambiguous.
    name: "parameters_not_repeated",
    shown: true,
    run: ({ search }) => {
      const seen = new Set<string>();
      for (const key of search.keys()) {
        if (seen.has(key)) return showError(400, "invalid_request", `The ${key} parameter is repeated.`);
        seen.add(key);
      }
    },
  },
  {
    name: "client_id_present",
    shown: true,
    run: ({ params }) => (params.client_id ? undefined : showError(400, "invalid_request", "The request has no client_id.")),
  },
  {
    name: "client_exists",
    shown: true,
    run: async (ctx) => {
      try {
        ctx.client = (await findClient(ctx.params.client_id, ctx.audit)) ?? undefined;
      } catch (error) {
        if (error instanceof ClientMetadataDocumentError) {
          return showError(400, "invalid_client", `The client's metadata document cannot be used: ${error.message}.`);
        }
        throw error;
      }
      if (!ctx.client) return showError(400, "invalid_client", "No client is registered with this client_id.");
    },
  },
  {
    name: "client_active",
    shown: true,
    run: ({ client }) => {
      if (client!.status === "pending") return { kind: "pending", client: client! };
      if (client!.status !== "active") {
        return showError(403, "unauthorized_client", `${client!.name} has been ${client!.status} by an administrator and cannot be authorized.`, client!.name);
      }
    },
  },
  {
    // OAuth 2.1 §4.1.1 / §7.12: the redirect URI must be present and equal, as a string, to a registered one.
    name: "redirect_uri_registered",
    shown: true,
    run: (ctx) => {
      const uri = ctx.params.redirect_uri;
      if (!uri) return showError(400, "invalid_request", "The request has no redirect_uri.", ctx.client!.name);
      if (!ctx.client!.redirectUris.includes(uri)) {
        return showError(400, "invalid_request", "The redirect_uri is not one this client registered.", ctx.client!.name);
      }
      ctx.redirectUri = uri;
    },
  },
  {
    name: "response_type_code",
    shown: false,
    run: ({ params }) => {
      if (!params.response_type) throw new InvalidRequest("The request has no response_type.");
      if (params.response_type !== "code") throw new UnsupportedResponseType("Only response_type=code is supported.");
    },
  },
  {
    // OAuth 2.0 Multiple Response Type Encoding Practices §2.1: the code comes back in the query, the default for
    // response_type=code. Another mode (fragment, form_post, jwt) is refused rather than silently answered in the query.
    name: "response_mode_query",
    shown: false,
    run: ({ params }) => {
      if (params.response_mode !== undefined && params.response_mode !== "query") {
        throw new InvalidRequest(`response_mode=${params.response_mode} is not supported; this server answers only with response_mode=query.`);
      }
    },
  },
  {
    name: "client_uses_authorization_code",
    shown: false,
    run: ({ client }) => {
      if (!client!.grantTypes.includes(GRANT_TYPES.authorizationCode)) {
        throw new UnauthorizedClient("This client did not register the authorization_code grant.");
      }
    },
  },
  {
    // OAuth 2.1 §4.1.1: PKCE is required, and only S256 is accepted (never plain, never by default).
    name: "pkce_s256",
    shown: false,
    run: (ctx) => {
      const { code_challenge: challenge, code_challenge_method: method } = ctx.params;
      if (!challenge) throw new InvalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256.");
      if (method !== "S256") throw new InvalidRequest("code_challenge_method must be S256.");
      if (!S256_CHALLENGE.test(challenge)) throw new InvalidRequest("code_challenge is not a base64url SHA-256 value.");
      ctx.codeChallenge = challenge;
    },
  },
  {
    // RFC 8707 §2: the token's audience — /mcp, or a registered upstream server's /mcp/<name> (DESIGN §10); a
    // request naming none means /mcp.
    name: "resource_is_this_server",
    shown: false,
    run: async (ctx) => {
      const resource = await resolveProtectedResource(ctx.params.resource);
      if (!resource) throw new InvalidTarget(`This server issues tokens only for ${env().mcpResource} and its registered MCP servers (${env().issuer}/mcp/<name>).`);
      ctx.resource = resource;
    },
  },
  {
    name: "scopes_known",
    shown: false,
    run: async (ctx) => {
      const requested = parseScopeParameter(ctx.params.scope);
      const known = (await policySnapshot()).scopes;
      const unknown = requested.filter((s) => !known.has(s));
      if (unknown.length > 0) throw new InvalidScope(`Unknown scope: ${unknown.join(", ")}.`);
      ctx.scopes = requested.length > 0 ? requested : ctx.client!.allowedScopes;
    },
  },
  {
    name: "prompt_supported",
    shown: false,
    run: ({ params }) => {
      // OIDC Core §3.1.2.1 values this server honours; `login` and `select_account` need a fresh sign-in it cannot force.
      if (params.prompt !== undefined && !["none", "consent"].includes(params.prompt)) {
        throw new InvalidRequest(`prompt=${params.prompt} is not supported.`);
      }
    },
  },
];

/** Runs the checks of an authorization request (OAuth 2.1 §4.1.1) in order; the first failure decides the outcome. */
export async function validateAuthorizationRequest(search: URLSearchParams, audit: AuditContext): Promise<AuthorizationOutcome> {
  const params: Record<string, string> = {};
  for (const [key, value] of search) if (value !== "") params[key] = value;
  const ctx: Context = { search, params, audit };
  for (const check of CHECKS) {
    if (check.shown) {
      const outcome = await check.run(ctx);
      if (outcome) return outcome;
      continue;
    }
    try {
      await check.run(ctx);
    } catch (error) {
      if (isOAuthError(error)) {
        return { kind: "redirect_error", error, redirectUri: ctx.redirectUri!, state: params.state };
      }
      throw error;
    }
  }
  return {
    kind: "valid",
    request: {
      client: ctx.client!,
      redirectUri: ctx.redirectUri!,
      state: params.state,
      codeChallenge: ctx.codeChallenge!,
      resource: ctx.resource!,
      requestedScopes: ctx.scopes!,
      prompt: params.prompt as "none" | "consent" | undefined,
      params,
    },
  };
}
