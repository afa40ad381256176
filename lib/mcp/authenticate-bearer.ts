import { noteChanged } from "@/lib/changes/change-versions";
import { callerFromClaims, type McpCaller } from "@/lib/mcp/caller";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot } from "@/lib/policy/types";
import { processState } from "@/lib/process-state";
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS, revocationState, type RevocationState } from "@/lib/revocation";
import type { AccessTokenClaims } from "@/lib/tokens/access-token-claims";
import { InvalidAccessToken } from "@/lib/tokens/verify-access-token";
import { verifyAccessTokenCached } from "@/lib/mcp/verify-access-token-cached";

export type AuthenticationCheck =
  | "bearer_present"
  | "bearer_well_formed"
  | "token_valid"
  | "token_lifetime"
  | "token_not_revoked"
  | "grant_not_revoked"
  | "client_active"
  | "user_enabled";

export type Authentication =
  | { ok: true; caller: McpCaller; snapshot: PolicySnapshot }
  | {
      ok: false;
      check: AuthenticationCheck;
      /** RFC 6750 §3.1 code; none when the request carried no credentials at all. */
      error: "invalid_request" | "invalid_token" | null;
      reason: string;
      /** The verified claims, when the token itself was sound (refused for revocation or status). */
      claims?: AccessTokenClaims;
    };

interface Context {
  request: Request;
  token?: string;
  claims?: AccessTokenClaims;
  snapshot?: PolicySnapshot;
  revocations?: RevocationState;
}

type Check = { name: AuthenticationCheck; error: "invalid_request" | "invalid_token" | null; run(ctx: Context): Promise<string | null> | string | null };

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

/**
 * Establishes the caller of a request. Each rule is one check; they run in this order, the first to fail names the
 * problem. Everything is read from memory (key ring, revocation view, policy snapshot): no database read per request.
 */
const CHECKS: Check[] = [
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
  {
    name: "token_valid",
    error: "invalid_token",
    run: async (ctx) => {
      try {
        ctx.claims = await verifyAccessTokenCached(ctx.token!);
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

export async function authenticateBearer(request: Request): Promise<Authentication> {
  const ctx: Context = { request };
  for (const check of CHECKS) {
    const pending = check.run(ctx);
    // Most checks answer synchronously from memory; awaiting only the ones that do not keeps the hot path tight.
    const failure = typeof pending === "string" || pending === null ? pending : await pending;
    if (failure !== null) return { ok: false, check: check.name, error: check.error, reason: failure, claims: ctx.claims };
  }
  return { ok: true, caller: callerFromClaims(ctx.token!, ctx.claims!), snapshot: ctx.snapshot! };
}
