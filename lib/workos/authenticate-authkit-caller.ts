import type { HeldRole } from "@/lib/policy/effective-scopes";
import { env } from "@/lib/env";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { isAuthkitDenied } from "@/lib/workos/is-authkit-denied";
import { mappedRoles } from "@/lib/workos/mapped-roles";
import { registerAuthkitClient } from "@/lib/workos/register-authkit-client";
import { resolveAuthkitUser } from "@/lib/workos/resolve-authkit-user";
import { roleMappingRules } from "@/lib/workos/role-mapping-rules";
import { InvalidAuthkitToken, verifyAuthkitToken, type AuthkitCaller } from "@/lib/workos/verify-authkit-token";

/** An authenticated AuthKit caller, in the terms decide() takes. */
export interface AuthkitPrincipal {
  caller: AuthkitCaller;
  /** The local user (decide's `userId`). */
  userId: string;
  clientId: string;
  /** decide's `tokenScopes`: the token's scopes, or — with WORKOS_AUTHKIT_SCOPES=policy — every scope, so that roles ∩ the client's allow-list decide. */
  tokenScopes: string[];
  /** decide's `extraRoles`: local roles held through mapped WorkOS roles and permissions. */
  extraRoles: HeldRole[];
}

export interface RequestContext {
  ip?: string | null;
  requestId?: string | null;
}

/*
 * How /mcp uses this (issuer mode `authkit` or `bridge`; `builtin` keeps verifyAccessToken + the grant revocation state):
 *
 *   const principal = await authenticateAuthkitCaller(bearer, { ip: clientIp(headers), requestId: requestId(headers) });
 *     InvalidAuthkitToken e → 401, WWW-Authenticate: Bearer error="invalid_token", error_description="<e.why>",
 *                             resource_metadata="<PRM URL>"   (bad token, revoked token/client/user, unknown bridge user)
 *     AppError unavailable  → 503 (AuthKit JWKS or WorkOS unreachable: fail closed)
 *     AppError rate_limited → 429 (a burst of never-seen clients)
 *   tools/list:  allowedTools(await policySnapshot(), { userId, clientId, tokenScopes, extraRoles })
 *   tools/call:  decide(await policySnapshot(), { userId, clientId, tokenScopes, extraRoles, tool }), audited exactly
 *                as for the built-in issuer (decision.allow|deny, actor client:<clientId>, subject userId, the
 *                decision's reason path), plus detail { issuer: "authkit", jti, workosUserId: caller.subject }.
 *   Protected Resource Metadata: authorization_servers = resourceAuthorizationServers().
 */

/**
 * Authenticates a bearer token at /mcp in `authkit` and `bridge` modes, in this order:
 *   1. verify the token against AuthKit (signature, issuer, audience, times)      → InvalidAuthkitToken (401)
 *   2. the deny-list, by token, client and WorkOS user (memory only)              → InvalidAuthkitToken (401)
 *   3. a client never seen before is recorded as pending (audited once)           → then denied by decide()
 *   4. the WorkOS user → the local user (memory; first sight placed once)         → InvalidAuthkitToken (401)
 *   5. WorkOS roles and permissions → local roles through the role mappings (memory)
 * Everything after step 1 reads memory on the hot path; only a first sight writes. WorkOS or AuthKit being unreachable
 * is AppError `unavailable` (503): the call is refused, never let through unverified.
 */
export async function authenticateAuthkitCaller(token: string, request: RequestContext = {}): Promise<AuthkitPrincipal> {
  const caller = await verifyAuthkitToken(token);
  const denial = await isAuthkitDenied(caller);
  if (denial) throw new InvalidAuthkitToken(denial.why, caller);

  const ctx = { actor: `client:${caller.clientId}`, ip: request.ip ?? null, requestId: request.requestId ?? null };
  let snapshot = await policySnapshot();
  if (!snapshot.clients.has(caller.clientId)) {
    await registerAuthkitClient(
      { clientId: caller.clientId, subject: caller.subject, scopes: caller.scopes, organizationId: caller.organizationId },
      ctx,
    );
    snapshot = await policySnapshot();
  }
  const userId = await resolveAuthkitUser(caller.subject, ctx).catch((error: unknown) => {
    throw error instanceof InvalidAuthkitToken ? new InvalidAuthkitToken(error.why, caller) : error;
  });
  const extraRoles = mappedRoles(await roleMappingRules(), caller.externalRoles, caller.permissions);
  const tokenScopes = env().workos.scopeMode === "policy" ? [...snapshot.scopes] : caller.scopes;
  return { caller, userId, clientId: caller.clientId, tokenScopes, extraRoles };
}
