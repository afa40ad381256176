import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { clientIp, requestId } from "@/lib/http/client-address";
import { authenticateClient } from "@/lib/oauth/client-authentication/authenticate-client";
import { InvalidRequest, noStoreJson } from "@/lib/oauth/errors";
import { readFormBody } from "@/lib/oauth/http/read-body";
import { CREDENTIAL_PREFIX, hashCredential } from "@/lib/oauth/secrets";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot } from "@/lib/policy/types";
import { InvalidAccessToken, verifyAccessToken } from "@/lib/access-tokens/verify-access-token";

const INACTIVE = { active: false } as const;

/** Who may learn about a token: the client it was issued to, or a client whose service identity holds tokens:read. */
function mayInspect(snapshot: PolicySnapshot, caller: { id: string; serviceUserId: string | null }, tokenClientId: string): boolean {
  if (caller.id === tokenClientId) return true;
  return caller.serviceUserId !== null && userEffectiveScopes(snapshot, caller.serviceUserId).has("tokens:read");
}

/** A token is only active while its client is active and its user enabled — what the MCP endpoint would accept. */
function partiesActive(snapshot: PolicySnapshot, clientId: string, userId: string): boolean {
  const user = snapshot.users.get(userId);
  return snapshot.clients.get(clientId)?.status === "active" && user !== undefined && !user.disabled;
}

/**
 * POST /oauth/introspect (RFC 7662). Callers authenticate as confidential clients (§2.1). Anything not currently valid
 * — unknown, expired, revoked, of a suspended client or disabled user, or not the caller's to inspect — is
 * `{"active": false}` and nothing more (§2.2).
 */
export async function handleIntrospectionRequest(request: Request): Promise<Response> {
  const form = await readFormBody(request);
  const ctx: AuditContext = { actor: "anonymous", ip: clientIp(request.headers), requestId: requestId(request.headers) };
  // §2.1: the caller must be a confidential client; a public one gets the same answer as any failed authentication.
  const { client } = await authenticateClient(request, form, ctx, { confidentialOnly: true });
  if (!form.token) throw new InvalidRequest("The token parameter is required.");
  const snapshot = await policySnapshot();

  if (form.token.startsWith(CREDENTIAL_PREFIX.refreshToken)) {
    const stored = await db().refreshToken.findUnique({ where: { tokenHash: hashCredential(form.token) }, include: { grant: true } });
    if (!stored || stored.usedAt || stored.revokedAt || stored.grant.revokedAt || stored.expiresAt.getTime() <= Date.now()) return noStoreJson(INACTIVE);
    if (!mayInspect(snapshot, client, stored.grant.clientId) || !partiesActive(snapshot, stored.grant.clientId, stored.grant.userId)) return noStoreJson(INACTIVE);
    return noStoreJson({
      active: true,
      token_type: "refresh_token",
      scope: stored.scopes.join(" "),
      client_id: stored.grant.clientId,
      sub: stored.grant.userId,
      exp: Math.floor(stored.expiresAt.getTime() / 1000),
      iat: Math.floor(stored.issuedAt.getTime() / 1000),
    });
  }

  let claims;
  try {
    claims = await verifyAccessToken(form.token);
  } catch (error) {
    if (error instanceof InvalidAccessToken) return noStoreJson(INACTIVE);
    throw error;
  }
  if (!mayInspect(snapshot, client, claims.client_id) || !partiesActive(snapshot, claims.client_id, claims.sub)) return noStoreJson(INACTIVE);
  const row = await db().accessToken.findUnique({ where: { jti: claims.jti }, include: { grant: { select: { revokedAt: true } } } });
  if (!row || row.revokedAt || row.grant.revokedAt) return noStoreJson(INACTIVE);
  return noStoreJson({
    active: true,
    token_type: "Bearer",
    scope: claims.scope,
    client_id: claims.client_id,
    sub: claims.sub,
    username: snapshot.users.get(claims.sub)?.email,
    aud: claims.aud,
    iss: claims.iss,
    exp: claims.exp,
    iat: claims.iat,
    nbf: claims.nbf,
    jti: claims.jti,
  });
}
