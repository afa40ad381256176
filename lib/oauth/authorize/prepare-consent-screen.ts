import type { AuditContext } from "@/lib/audit";
import { isLoopbackRedirect } from "@/lib/clients/validate-redirect-uri";
import { consentToken } from "@/lib/oauth/authorize/consent-token";
import { describeScopes } from "@/lib/oauth/authorize/describe-scopes";
import { grantableScopes } from "@/lib/oauth/authorize/grantable-scopes";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { validateAuthorizationRequest } from "@/lib/oauth/authorize/validate-authorization-request";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { serverOfResource } from "@/lib/gateway/resolve-protected-resource";

export interface ConsentScreen {
  clientName: string;
  clientId: string;
  /** How the client's identity was established: self-asserted registration, or a metadata document on a domain. */
  identity: { kind: "registered" } | { kind: "metadata_document"; host: string };
  /** Where the answer goes, shown in plain sight (MCP 2025-11-25 §Localhost Redirect URI Risks). */
  redirectHost: string;
  loopbackRedirect: boolean;
  /**
   * Every redirect URI the client has is a loopback one (MCP 2026-07-28, security considerations, "Localhost Redirect
   * URI Risks": an authorization server SHOULD warn). Any program on the user's machine can listen there, so nothing
   * but the client's name says which app this is.
   */
  loopbackOnly: boolean;
  scopes: Array<{ name: string; description: string }>;
  /** The upstream MCP server the token will be for (DESIGN §10), or null for Portcullis's own /mcp. */
  server: string | null;
  unavailable: Array<{ name: string; why: "user_lacks" | "client_not_allowed" }>;
  /** The authorization request's parameters, posted back unchanged with the decision. */
  params: Record<string, string>;
  consentToken: string;
}

/**
 * What the consent screen shows for an authorization request, validated afresh. Null when the request is not (or no
 * longer) valid: the caller sends the browser back to the authorization endpoint, which explains why.
 */
export async function prepareConsentScreen(search: URLSearchParams, user: SignedInUser, ctx: AuditContext): Promise<ConsentScreen | null> {
  const outcome = await validateAuthorizationRequest(search, ctx);
  if (outcome.kind !== "valid") return null;
  const { client, redirectUri, requestedScopes, params, resource } = outcome.request;
  const { grantable, unavailable } = grantableScopes(await policySnapshot(), user.id, client.allowedScopes, requestedScopes);
  const descriptions = await describeScopes(grantable);
  const redirect = new URL(redirectUri);
  return {
    clientName: client.name,
    clientId: client.id,
    identity: client.source === "cimd" ? { kind: "metadata_document", host: new URL(client.id).host } : { kind: "registered" },
    redirectHost: redirect.host,
    loopbackRedirect: isLoopbackRedirect(redirect),
    loopbackOnly: client.redirectUris.length > 0 && client.redirectUris.every((uri) => URL.canParse(uri) && isLoopbackRedirect(new URL(uri))),
    scopes: grantable.map((name) => ({ name, description: descriptions.get(name) ?? name })),
    server: serverOfResource(resource),
    unavailable: unavailable.map((u) => ({ name: u.scope, why: u.why })),
    params,
    consentToken: consentToken(user.id, params),
  };
}
