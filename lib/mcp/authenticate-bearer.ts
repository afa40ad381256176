import { noteChanged } from "@/lib/changes/change-versions";
import { env } from "@/lib/env";
import { clientIp, requestId } from "@/lib/http/client-address";
import { callerFromAuthkit, callerFromClaims, partyFromRefusedAuthkit, type DecisionParty, type McpCaller } from "@/lib/mcp/caller";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot } from "@/lib/policy/types";
import { processState } from "@/lib/process-state";
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS, revocationState, type RevocationState } from "@/lib/revocation-view";
import type { AccessTokenClaims } from "@/lib/access-tokens/access-token-claims";
import { InvalidAccessToken } from "@/lib/access-tokens/verify-access-token";
import { verifyAccessTokenCached } from "@/lib/mcp/verify-access-token-cached";
import { authenticateAuthkitCaller, type AuthkitPrincipal } from "@/lib/workos/authenticate-authkit-caller";
import { InvalidAuthkitToken, type AuthkitCaller } from "@/lib/workos/verify-authkit-token";
import { workosUserIndex } from "@/lib/workos/workos-user-index";

export type AuthenticationCheck =
  | "bearer_present"
  | "bearer_well_formed"
  | "token_valid"
  | "issuer_mode"
  | "authkit_token"
  | "token_lifetime"
  | "token_not_revoked"
  | "grant_not_revoked"
  | "client_active"
  | "user_enabled";

/**
 * RFC 6750 §3.1 code; none when the request carried no credentials at all. `forbidden` (403, no challenge): the token
 * is sound but its client or user may not use this resource, and asking the issuer for a new token would not help —
 * an AuthKit client awaiting approval, or a user disabled here while AuthKit still issues them tokens.
 */
export type AuthenticationError = "invalid_request" | "invalid_token" | "forbidden" | null;

export type Authentication =
  | { ok: true; caller: McpCaller; snapshot: PolicySnapshot }
  | {
      ok: false;
      check: AuthenticationCheck;
      error: AuthenticationError;
      reason: string;
      /** Who the token speaks for, when the token itself was sound (refused for revocation or status). */
      party?: DecisionParty;
    };

interface Context {
  request: Request;
  /** The protected resource the request is for (RFC 8707): the token's `aud` must be exactly it. Default: /mcp. */
  audience?: string;
  token?: string;
  claims?: AccessTokenClaims;
  principal?: AuthkitPrincipal;
  /** A sound AuthKit token refused before a caller was established (deny-list, unknown user): audited against it. */
  refusedAuthkit?: AuthkitCaller;
  snapshot?: PolicySnapshot;
  revocations?: RevocationState;
}

type Check = { name: AuthenticationCheck; error: AuthenticationError; run(ctx: Context): Promise<string | null> | string | null };

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

// A client or user unknown to the cached policy may have been created a moment ago by another instance: look again,
// at most once a second, before refusing (the same rule the key ring applies to an unknown kid).
const refresh = processState("mcp-unknown-principal-refresh", () => ({ at: 0 }));

async function currentPolicyKnowing(snapshot: PolicySnapshot, claims: AccessTokenClaims): Promise<PolicySnapshot> {
  if (snapshot.clients.has(claims.client_id) && snapshot.users.has(claims.sub)) return snapshot;
  if (Date.now() - refresh.at < 1000) return snapshot;
  refresh.at = Date.now();
  noteChanged(["policy"]);
  return policySnapshot();
}

const PRESENT_AND_WELL_FORMED: Check[] = [
  {
    name: "bearer_present",
    error: null,
    run: ({ request }) => (request.headers.has("authorization") ? null : "no access token"),
  },
  {
    name: "bearer_well_formed",
    error: "invalid_request",
    run: (ctx) => {
      // bearer_methods_supported is ["header"]: a token in the query string would end up in logs (RFC 6750 §5.3).
      if (ctx.request.url.includes("access_token=") && new URL(ctx.request.url).searchParams.has("access_token")) {
        return "access tokens are accepted in the Authorization header only";
      }
      const match = BEARER.exec(ctx.request.headers.get("authorization") ?? "");
      if (!match) return "the Authorization header is not a Bearer token";
      ctx.token = match[1];
      return null;
    },
  },
];

/**
 * Establishes the caller of a request bearing a token of the built-in issuer. Each rule is one check; they run in this
 * order, the first to fail names the problem. Everything is read from memory (key ring, revocation view, policy
 * snapshot): no database read per request.
 */
const BUILTIN_CHECKS: Check[] = [
  ...PRESENT_AND_WELL_FORMED,
  {
    name: "token_valid",
    error: "invalid_token",
    run: async (ctx) => {
      try {
        ctx.claims = await verifyAccessTokenCached(ctx.token!, Date.now(), ctx.audience);
        return null;
      } catch (error) {
        if (error instanceof InvalidAccessToken) return error.why;
        throw error;
      }
    },
  },
  {
    name: "token_lifetime",
    error: "invalid_token",
    run: ({ claims }) =>
      claims!.exp - claims!.iat > MAX_ACCESS_TOKEN_LIFETIME_SECONDS
        ? `token lifetime exceeds ${MAX_ACCESS_TOKEN_LIFETIME_SECONDS} seconds`
        : null,
  },
  {
    name: "token_not_revoked",
    error: "invalid_token",
    run: async (ctx) => {
      ctx.revocations = await revocationState();
      const { jti } = ctx.claims!;
      return ctx.revocations.revokedTokens.has(jti) || ctx.revocations.deniedTokens.has(jti) ? `token ${jti} was revoked` : null;
    },
  },
  {
    name: "grant_not_revoked",
    error: "invalid_token",
    run: ({ claims, revocations }) => (revocations!.revokedGrants.has(claims!.grant_id) ? `grant ${claims!.grant_id} was revoked` : null),
  },
  {
    name: "client_active",
    error: "invalid_token",
    run: async (ctx) => {
      const claims = ctx.claims!;
      ctx.snapshot = await currentPolicyKnowing(await policySnapshot(), claims);
      const client = ctx.snapshot.clients.get(claims.client_id);
      if (!client) return `client ${claims.client_id} is not registered`;
      if (ctx.revocations!.deniedClients.has(client.id)) return `client ${client.name} is on the deny-list`;
      return client.status === "active" ? null : `client ${client.name} is ${client.status}`;
    },
  },
  {
    name: "user_enabled",
    error: "invalid_token",
    run: ({ claims, snapshot, revocations }) => {
      const user = snapshot!.users.get(claims!.sub);
      if (!user) return `user ${claims!.sub} does not exist`;
      if (revocations!.deniedSubjects.has(user.id)) return `user ${user.email} is on the deny-list`;
      return user.disabled ? `user ${user.email} is disabled` : null;
    },
  },
];

/**
 * The same for a token issued by AuthKit (issuer modes `authkit` and `bridge`): AuthKit's signature and claims, the
 * deny-list, first sight of a client (recorded pending) and of a user, role mappings — then the client's approval and
 * the user's status here. AuthKit or WorkOS being unreachable throws AppError `unavailable`: the call is refused.
 */
const AUTHKIT_CHECKS: Check[] = [
  ...PRESENT_AND_WELL_FORMED,
  {
    name: "authkit_token",
    error: "invalid_token",
    run: async (ctx) => {
      try {
        const headers = ctx.request.headers;
        ctx.principal = await authenticateAuthkitCaller(ctx.token!, { ip: clientIp(headers), requestId: requestId(headers) });
        return null;
      } catch (error) {
        if (error instanceof InvalidAuthkitToken) {
          ctx.refusedAuthkit = error.caller;
          return error.why;
        }
        throw error;
      }
    },
  },
  {
    name: "client_active",
    error: "forbidden",
    run: async (ctx) => {
      ctx.snapshot = await policySnapshot();
      const client = ctx.snapshot.clients.get(ctx.principal!.clientId);
      if (!client) return `client ${ctx.principal!.clientId} is not registered`;
      if (client.status === "pending") return `client ${client.name} is awaiting approval by an IAM admin`;
      return client.status === "active" ? null : `client ${client.name} is ${client.status}`;
    },
  },
  {
    name: "user_enabled",
    error: "forbidden",
    run: ({ principal, snapshot }) => {
      const user = snapshot!.users.get(principal!.userId);
      if (!user) return `user ${principal!.userId} does not exist`;
      return user.disabled ? `user ${user.email} is disabled` : null;
    },
  },
];

export async function authenticateBearer(request: Request, audience?: string): Promise<Authentication> {
  const ctx: Context = { request, audience };
  const authkit = env().issuerMode !== "builtin";
  if (authkit && audience !== undefined && audience !== env().mcpResource) {
    // AuthKit issues tokens for the one resource configured at WorkOS (/mcp), or with a client id as audience: none is
    // bound to /mcp/<name>, and taking one here would be cross-resource reuse. 403, not 401: a new token from AuthKit
    // would not help, so no challenge sends the client round again. Fail closed, whatever the request carries.
    return { ok: false, check: "issuer_mode", error: "forbidden", reason: `the gateway endpoint ${audience} is served only with Portcullis's built-in authorization server (PORTCULLIS_ISSUER_MODE=builtin); in ${env().issuerMode} mode AuthKit issues tokens for ${env().mcpResource} only, and those are not accepted here` };
  }
  for (const check of authkit ? AUTHKIT_CHECKS : BUILTIN_CHECKS) {
    const pending = check.run(ctx);
    // Most checks answer synchronously from memory; awaiting only the ones that do not keeps the hot path tight.
    const failure = typeof pending === "string" || pending === null ? pending : await pending;
    if (failure !== null) return { ok: false, check: check.name, error: check.error, reason: failure, party: await party(ctx) };
  }
  const caller = authkit ? callerFromAuthkit(ctx.token!, ctx.principal!) : callerFromClaims(ctx.token!, ctx.claims!);
  // An access review narrowed this token's grant: the token keeps only what the grant still holds, from this call on.
  const narrowed = authkit ? undefined : ctx.revocations!.narrowedGrants.get(ctx.claims!.grant_id);
  if (narrowed) caller.scopes = caller.scopes.filter((s) => narrowed.includes(s));
  return { ok: true, caller, snapshot: ctx.snapshot! };
}

async function party(ctx: Context): Promise<DecisionParty | undefined> {
  if (ctx.principal) return callerFromAuthkit(ctx.token!, ctx.principal);
  if (ctx.claims) return callerFromClaims(ctx.token!, ctx.claims);
  // The linked local user, from memory only: a refused token never creates or links anyone.
  if (ctx.refusedAuthkit) {
    const subject = ctx.refusedAuthkit.subject;
    const userId = await workosUserIndex().then((index) => index.get(subject) ?? null, () => null);
    return partyFromRefusedAuthkit(ctx.refusedAuthkit, userId);
  }
  return undefined;
}
