import { decodeJwt, type JWTPayload } from "jose";
import { recordAudit, type AuditContext } from "@/lib/audit";
import { AssertionRejected } from "@/lib/assertions/assertion-rejected";
import { ID_JAG_TYP } from "@/lib/assertions/assertion-rules";
import { verifySignedAssertion } from "@/lib/assertions/verify-signed-assertion";
import { topicVersion } from "@/lib/changes/change-versions";
import type { Client } from "@/lib/clients/find-client";
import { db } from "@/lib/db/client";
import type { TrustedIdp } from "@/lib/db/generated/client";
import { env } from "@/lib/env";
import { findTrustedIdp } from "@/lib/idps/find-trusted-idp";
import { mapIdpSubject } from "@/lib/idps/map-idp-subject";
import { commitAccessToken, GrantNoLongerLive } from "@/lib/issuance/commit-access-token";
import { createGrant } from "@/lib/issuance/create-grant";
import { prepareTokens } from "@/lib/issuance/prepare-tokens";
import type { IssuedTokens } from "@/lib/issuance/record-tokens";
import { tokenAuditEvent } from "@/lib/issuance/token-audit-event";
import { logger } from "@/lib/logger";
import { GRANT_TYPES } from "@/lib/oauth/constants";
import { InvalidGrant, InvalidScope, InvalidTarget, UnauthorizedClient } from "@/lib/oauth/errors";
import { resolveProtectedResource } from "@/lib/gateway/resolve-protected-resource";
import { matchesResource } from "@/lib/oauth/resource";
import { intersectScopes, parseScopeParameter } from "@/lib/oauth/scopes";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { processState } from "@/lib/process-state";
import type { TokenRequestOf } from "@/lib/oauth/token-endpoint/token-request-schema";

type Request = TokenRequestOf<typeof GRANT_TYPES.jwtBearer>;

/** A refusal of the grant: its audit event names the IdP (or the issuer claimed), then `invalid_grant` is thrown. */
async function refuse(ctx: AuditContext, client: Client, issuer: string, reason: string, error: Error = new InvalidGrant("The identity assertion was refused.")): Promise<never> {
  try {
    await recordAudit({
      kind: "assertion_grant.refused",
      actor: ctx.actor,
      clientId: client.id,
      reason: `ID-JAG from ${issuer.slice(0, 200)} refused: ${reason}`,
      ip: ctx.ip ?? null,
      requestId: ctx.requestId ?? null,
      detail: { idp: issuer.slice(0, 200), grantType: GRANT_TYPES.jwtBearer },
    });
  } catch (auditError) {
    logger.error("could not record a refused ID-JAG", { error: auditError, clientId: client.id });
  }
  throw error;
}

/** The claims the enterprise-managed authorization extension §7.6.2 binds to this server and this client, in order. */
function bindingProblem(claims: JWTPayload, client: Client, mcpResource: string): string | null {
  // draft-ietf-oauth-identity-assertion-authz-grant §4.4.1: the client_id claim is the client presenting it.
  if (claims.client_id !== client.id) return "its client_id is not the authenticated client";
  if (claims.resource !== undefined) {
    const resources = Array.isArray(claims.resource) ? claims.resource : [claims.resource];
    if (resources.length !== 1 || typeof resources[0] !== "string" || !matchesResource(resources[0], mcpResource)) return "its resource is not this server's MCP resource";
  }
  if (claims.scope !== undefined && typeof claims.scope !== "string") return "its scope claim is not a string";
  return null;
}

/**
 * The JWT bearer grant (RFC 7523 §2.1) with an Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-
 * assertion-authz-grant §4.4; the MCP enterprise-managed authorization extension): an enterprise IdP the administrator
 * trusts vouches for a user, a client and this resource, and the client — authenticated and approved here like any
 * other — gets an access token without a consent screen.
 *
 * Order: the assertion's issuer is a trusted IdP; the shared verifier checks typ `oauth-id-jag+jwt`, the signature
 * against the IdP's keys, `aud` this issuer, exp/iat bounds, and — after `client_id` and `resource` are checked — spends
 * the `jti`; the subject maps to an enabled local person; scopes = requested ∩ the assertion's ∩ the user's roles ∩ the
 * client's allow-list. No refresh token: the client asks the IdP for a new ID-JAG, so the IdP's policy is consulted
 * again (§4.4.2 of the draft). Every refusal is an `assertion_grant.refused` event naming the IdP; the issuance is a
 * `token.issued` event naming it.
 */
export async function exchangeIdJag(params: Request, client: Client, ctx: AuditContext): Promise<IssuedTokens> {
  const { issuer: ourIssuer, mcpResource } = env();
  if (client.tokenEndpointAuthMethod === "none") throw new UnauthorizedClient("The jwt-bearer grant needs an authenticated (confidential) client.");
  // RFC 8707: /mcp or a registered upstream server's /mcp/<name> (DESIGN §10), exactly as the other grants resolve it.
  const requestedResource = params.resource === undefined ? undefined : await resolveProtectedResource(params.resource);
  if (requestedResource === null) throw new InvalidTarget(`This server issues tokens only for ${mcpResource} and its registered MCP servers (${ourIssuer}/mcp/<name>).`);

  let claimedIssuer: string;
  let claimedResource: unknown;
  try {
    const unverified = decodeJwt(params.assertion);
    claimedIssuer = typeof unverified.iss === "string" ? unverified.iss : "";
    claimedResource = unverified.resource;
  } catch {
    return refuse(ctx, client, "(unreadable)", "the assertion is not a JWT");
  }
  // Without a resource parameter, the assertion's own resource names the target; either way the signed claim must name
  // exactly the resource the token is for (checked below, once the signature holds).
  const resource = requestedResource ?? (typeof claimedResource === "string" ? await resolveProtectedResource(claimedResource) : null) ?? mcpResource;
  const idp = claimedIssuer ? await findTrustedIdp(claimedIssuer) : null;
  if (!idp) return refuse(ctx, client, claimedIssuer || "(no iss)", "the issuer is not a trusted identity provider");

  let claims: JWTPayload;
  try {
    claims = await verifySignedAssertion(params.assertion, {
      keys: { jwksUri: idp.jwksUri },
      issuer: idp.issuer,
      audiences: [ourIssuer, `${ourIssuer}/`],
      typ: ID_JAG_TYP,
      requireIat: true,
      replayScope: "id-jag",
      check: (payload) => {
        const problem = bindingProblem(payload, client, resource);
        if (problem) throw new AssertionRejected(problem);
      },
    });
  } catch (error) {
    if (error instanceof AssertionRejected) return refuse(ctx, client, idp.issuer, error.reason);
    throw error;
  }

  const mapped = await mapIdpSubject(idp, claims);
  if ("refused" in mapped) return refuse(ctx, client, idp.issuer, mapped.refused);
  const userId = mapped.userId;
  const snapshot = await policySnapshot();
  const requested = parseScopeParameter(params.scope);
  const unknown = requested.filter((s) => !snapshot.scopes.has(s));
  if (unknown.length > 0) throw new InvalidScope(`Unknown scope: ${unknown.join(", ")}.`);
  const asserted = parseScopeParameter(typeof claims.scope === "string" ? claims.scope : undefined);
  const held = new Set(userEffectiveScopes(snapshot, userId).keys());
  const base = requested.length > 0 ? requested : asserted.length > 0 ? asserted : client.allowedScopes;
  const limits: Iterable<string>[] = [held, client.allowedScopes];
  if (claims.scope !== undefined) limits.push(asserted);
  const scopes = intersectScopes(base, ...limits);
  if (scopes.length === 0) return refuse(ctx, client, idp.issuer, "no scope is left after the assertion, the user's roles and the client's allow-list", new InvalidScope("None of the requested scopes may be granted."));

  return issue(idp, client, userId, scopes, resource, ctx);
}

async function issue(idp: TrustedIdp, client: Client, userId: string, scopes: string[], resource: string, ctx: AuditContext): Promise<IssuedTokens> {
  for (let attempt = 0; ; attempt++) {
    const prepare = async () => {
      const grantId = await idJagGrant(client, userId, resource, scopes);
      return prepareTokens({ grantId, subject: userId, clientId: client.id, scopes, resource });
    };
    try {
      return await commitAccessToken(prepare, (issued, grantId) =>
        tokenAuditEvent(ctx, client.id, issued, {
          kind: "token.issued",
          subject: userId,
          reason: `access token issued to ${client.name} on an ID-JAG from ${idp.name} (${idp.issuer})`,
          detail: { grantId, jti: issued.jti, grantType: GRANT_TYPES.jwtBearer, idp: idp.issuer, expiresIn: issued.expiresIn },
        }),
      );
    } catch (error) {
      // Revoked between lookup and commit: a new grant is created once.
      if (!(error instanceof GrantNoLongerLive) || attempt >= 1) throw error;
      liveGrants.ids.delete(grantKey(client.id, userId, resource));
    }
  }
}

/** The live ID-JAG grant per client, user and resource, so one revocation ends what the IdP let the client do. */
const liveGrants = processState("id-jag-grants", () => ({ version: -1, ids: new Map<string, string>() }));
const grantKey = (clientId: string, userId: string, resource: string) => `${clientId}\n${userId}\n${resource}`;

async function idJagGrant(client: Client, userId: string, resource: string, scopes: string[]): Promise<string> {
  const version = topicVersion("revocations");
  if (liveGrants.version !== version) {
    liveGrants.version = version;
    liveGrants.ids.clear();
  }
  const key = grantKey(client.id, userId, resource);
  const cached = liveGrants.ids.get(key);
  if (cached) return cached;
  const where = { clientId: client.id, userId, grantType: GRANT_TYPES.jwtBearer, resource, revokedAt: null };
  const id =
    (await db().grant.findFirst({ where, select: { id: true } }))?.id ??
    (await db().$transaction((tx) => createGrant(tx, { userId, clientId: client.id, scopes, resource, grantType: GRANT_TYPES.jwtBearer })));
  if (topicVersion("revocations") === version) liveGrants.ids.set(key, id);
  return id;
}
