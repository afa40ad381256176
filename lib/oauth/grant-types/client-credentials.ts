import type { AuditContext } from "@/lib/audit";
import { topicVersion } from "@/lib/changes/change-versions";
import type { Client } from "@/lib/clients/find-client";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { resolveProtectedResource } from "@/lib/gateway/resolve-protected-resource";
import { commitAccessToken, GrantNoLongerLive } from "@/lib/issuance/commit-access-token";
import { createGrant } from "@/lib/issuance/create-grant";
import { prepareTokens } from "@/lib/issuance/prepare-tokens";
import type { IssuedTokens } from "@/lib/issuance/record-tokens";
import { tokenAuditEvent } from "@/lib/issuance/token-audit-event";
import { GRANT_TYPES } from "@/lib/oauth/constants";
import { InvalidScope, InvalidTarget, UnauthorizedClient } from "@/lib/oauth/errors";
import { intersectScopes, parseScopeParameter } from "@/lib/oauth/scopes";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot } from "@/lib/policy/types";
import { processState } from "@/lib/process-state";
import type { TokenRequestOf } from "@/lib/oauth/token-endpoint/token-request-schema";

/**
 * The client_credentials grant (RFC 6749 §4.4): a confidential client acting as the service identity it is bound to.
 * Scopes = requested (or the allow-list) ∩ the service identity's roles ∩ the client's allow-list. An MCP client asks
 * for what the resource's challenge or metadata names (MCP 2026-07-28, scope selection strategy: every scope the tools
 * need), so a request is narrowed to what may be granted, and the `scope` in the answer says what was (RFC 6749 §3.3);
 * a request none of whose scopes may be granted is refused. The token is for the resource the request names (RFC 8707):
 * `/mcp`, or a registered upstream server's `/mcp/<name>` (DESIGN §10), so a service agent reaches the organisation's
 * own servers too. All such tokens of a client for one resource live under one grant, so one revocation stops the
 * client there. No refresh token (§4.4.3).
 */
export async function issueClientCredentialsToken(
  params: TokenRequestOf<typeof GRANT_TYPES.clientCredentials>,
  client: Client,
  ctx: AuditContext,
): Promise<IssuedTokens> {
  if (client.tokenEndpointAuthMethod === "none") throw new UnauthorizedClient("client_credentials needs a confidential client.");
  if (!client.serviceUserId) throw new UnauthorizedClient("This client is not bound to a service identity; an administrator must bind one.");
  const resource = await resolveProtectedResource(params.resource);
  if (!resource) throw new InvalidTarget(`This server issues tokens only for ${env().mcpResource} and its registered MCP servers (${env().issuer}/mcp/<name>).`);
  const snapshot = await policySnapshot();
  const service = snapshot.users.get(client.serviceUserId);
  if (!service || service.disabled) throw new UnauthorizedClient("This client's service identity is disabled.");
  const held = heldScopes(snapshot, service.id);
  const requested = parseScopeParameter(params.scope);
  const unknown = requested.filter((s) => !snapshot.scopes.has(s));
  if (unknown.length > 0) throw new InvalidScope(`Unknown scope: ${unknown.join(", ")}.`);
  const scopes = intersectScopes(requested.length > 0 ? requested : client.allowedScopes, held, client.allowedScopes);
  const refused = requested.filter((s) => !scopes.includes(s));
  if (scopes.length === 0) {
    throw new InvalidScope(
      refused.length > 0 ? `Not allowed for this client's service identity: ${refused.join(", ")}.` : "This client's service identity holds none of the client's allowed scopes.",
    );
  }

  for (let attempt = 0; ; attempt++) {
    const prepare = async () => {
      const grantId = await clientCredentialsGrant(client, service.id, resource);
      return prepareTokens({ grantId, subject: service.id, clientId: client.id, scopes, resource });
    };
    try {
      return await commitAccessToken(prepare, (issued, grantId) =>
        tokenAuditEvent(ctx, client.id, issued, {
          kind: "token.issued",
          subject: service.id,
          reason: `access token issued to ${client.name} as service identity ${service.email} (client_credentials)`,
          detail: { grantId, jti: issued.jti, grantType: GRANT_TYPES.clientCredentials, expiresIn: issued.expiresIn, ...(refused.length > 0 ? { notGranted: refused } : {}) },
        }),
      );
    } catch (error) {
      // Revoked between lookup and commit (an admin revoked the client's tokens): a new grant is created once.
      if (!(error instanceof GrantNoLongerLive) || attempt >= 1) throw error;
      liveGrants.ids.delete(grantKey(client.id, service.id, resource));
    }
  }
}

// The scopes each service identity holds under one policy snapshot: a new snapshot (any role, scope or user change) is
// a new key, so nothing outlives the policy it was computed from.
const heldByPolicy = new WeakMap<PolicySnapshot, Map<string, ReadonlySet<string>>>();

function heldScopes(snapshot: PolicySnapshot, userId: string): ReadonlySet<string> {
  let held = heldByPolicy.get(snapshot);
  if (!held) heldByPolicy.set(snapshot, (held = new Map()));
  let scopes = held.get(userId);
  if (!scopes) held.set(userId, (scopes = new Set(userEffectiveScopes(snapshot, userId).keys())));
  return scopes;
}

/** The live client_credentials grant per client, service identity and resource; forgotten on any revocation. */
const liveGrants = processState("client-credentials-grants", () => ({ version: -1, ids: new Map<string, string>() }));
const grantKey = (clientId: string, userId: string, resource: string) => `${clientId}\n${userId}\n${resource}`;

/** The live client_credentials grant of a client and its service identity, created on first use. */
async function clientCredentialsGrant(client: Client, serviceUserId: string, resource: string): Promise<string> {
  const version = topicVersion("revocations");
  if (liveGrants.version !== version) {
    liveGrants.version = version;
    liveGrants.ids.clear();
  }
  const key = grantKey(client.id, serviceUserId, resource);
  const cached = liveGrants.ids.get(key);
  if (cached) return cached;
  const where = { clientId: client.id, userId: serviceUserId, grantType: GRANT_TYPES.clientCredentials, resource, revokedAt: null };
  const id =
    (await db().grant.findFirst({ where, select: { id: true } }))?.id ??
    (await db().$transaction((tx) =>
      createGrant(tx, { userId: serviceUserId, clientId: client.id, scopes: client.allowedScopes, resource, grantType: GRANT_TYPES.clientCredentials }),
    ));
  if (topicVersion("revocations") === version) liveGrants.ids.set(key, id);
  return id;
}
