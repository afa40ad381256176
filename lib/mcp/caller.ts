import type { HeldRole } from "@/lib/policy/effective-scopes";
import type { AccessTokenClaims } from "@/lib/access-tokens/access-token-claims";
import type { AuthkitPrincipal } from "@/lib/workos/authenticate-authkit-caller";
import type { AuthkitCaller } from "@/lib/workos/verify-authkit-token";

/** Who is calling /mcp: established from a verified, unrevoked access token on every request. */
export interface McpCaller {
  token: string;
  /** Which server issued the token: Portcullis itself, or AuthKit (issuer modes `authkit` and `bridge`). */
  issuer: "builtin" | "authkit";
  /** The local user the token speaks for. */
  userId: string;
  clientId: string;
  /** The built-in grant the token belongs to; AuthKit tokens have none. */
  grantId: string | null;
  jti: string;
  /** The scopes the token carries (RFC 6749 §3.3, space-separated in the `scope` claim). */
  scopes: string[];
  /** Seconds since the epoch. */
  expiresAt: number;
  /** Local roles held through the issuer's roles and permissions (AuthKit role mappings). */
  extraRoles: HeldRole[];
  /** What each decision event records about the token besides user, client and scopes. */
  auditDetail: Record<string, unknown>;
}

/**
 * The part of a caller a decision event records, also known for a sound token that is then refused. `userId` is null
 * for a refused AuthKit token whose WorkOS user is linked to no local user.
 */
export type DecisionParty = Pick<McpCaller, "clientId" | "scopes" | "auditDetail"> & { userId: string | null };

export function callerFromClaims(token: string, claims: AccessTokenClaims): McpCaller {
  return {
    token,
    issuer: "builtin",
    userId: claims.sub,
    clientId: claims.client_id,
    grantId: claims.grant_id,
    jti: claims.jti,
    scopes: claims.scope.split(" ").filter(Boolean),
    expiresAt: claims.exp,
    extraRoles: [],
    auditDetail: { grantId: claims.grant_id, jti: claims.jti },
  };
}

export function callerFromAuthkit(token: string, principal: AuthkitPrincipal): McpCaller {
  const { caller } = principal;
  return {
    token,
    issuer: "authkit",
    userId: principal.userId,
    clientId: principal.clientId,
    grantId: null,
    jti: caller.jti,
    scopes: principal.tokenScopes,
    expiresAt: Math.floor(caller.expiresAt.getTime() / 1000),
    extraRoles: principal.extraRoles,
    auditDetail: authkitAuditDetail(caller),
  };
}

/** Who a sound AuthKit token speaks for when it is refused before a caller is established (deny-list, unknown user). */
export function partyFromRefusedAuthkit(caller: AuthkitCaller, localUserId: string | null): DecisionParty {
  return { userId: localUserId, clientId: caller.clientId, scopes: caller.scopes, auditDetail: authkitAuditDetail(caller) };
}

function authkitAuditDetail(caller: AuthkitCaller): Record<string, unknown> {
  return { issuer: "authkit", jti: caller.jti, workosUserId: caller.subject };
}
