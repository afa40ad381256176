import { ASSERTION_SIGNING_ALGS, ID_JAG_GRANT_PROFILE } from "@/lib/assertions/assertion-rules";
import { env } from "@/lib/env";
import { ENDPOINT_PATHS, SUPPORTED_GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from "@/lib/oauth/constants";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { SIGNING_ALG } from "@/lib/keys/create-signing-key";

/**
 * RFC 8414 §2 authorization server metadata. `issuer` is exactly the configured issuer (§3.3: clients compare it with
 * the URL they derived the metadata URL from). The OpenID Connect discovery document carries the same values plus the
 * members OIDC Discovery §3 requires, so clients that only speak OIDC discovery find the same endpoints.
 */
export async function authorizationServerMetadata(kind: "oauth" | "openid"): Promise<Record<string, unknown>> {
  const { issuer } = env();
  const snapshot = await policySnapshot();
  const url = (path: string) => `${issuer}${path}`;
  const metadata: Record<string, unknown> = {
    issuer,
    authorization_endpoint: url(ENDPOINT_PATHS.authorization),
    token_endpoint: url(ENDPOINT_PATHS.token),
    // Client registration, primary path first. MCP 2026-07-28 (client registration): a client with no prior
    // relationship uses its https client_id URL, which is fetched as its metadata (draft-ietf-oauth-client-id-metadata-
    // document); Dynamic Client Registration (RFC 7591) is deprecated there and served for clients that predate it.
    client_id_metadata_document_supported: true,
    registration_endpoint: url(ENDPOINT_PATHS.registration),
    revocation_endpoint: url(ENDPOINT_PATHS.revocation),
    introspection_endpoint: url(ENDPOINT_PATHS.introspection),
    device_authorization_endpoint: url(ENDPOINT_PATHS.deviceAuthorization),
    jwks_uri: url(ENDPOINT_PATHS.jwks),
    scopes_supported: [...snapshot.scopes].sort(),
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    // RFC 7009 §2.1 / RFC 7662 §2.1: public clients revoke with their client_id; introspection needs a confidential client.
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    introspection_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS.filter((m) => m !== "none"),
    // RFC 8414 §2, the MCP oauth-client-credentials extension: required with private_key_jwt. Asymmetric only.
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    // OAuth 2.1 §4.1.1 and the MCP authorization spec: S256 only, never `plain`.
    code_challenge_methods_supported: ["S256"],
    // RFC 9207: the authorization response carries `iss`.
    authorization_response_iss_parameter_supported: true,
    // The MCP enterprise-managed authorization extension §6 (draft-ietf-oauth-identity-assertion-authz-grant §7.2): ID-JAGs
    // are accepted with the jwt-bearer grant.
    authorization_grant_profiles_supported: [ID_JAG_GRANT_PROFILE],
    // RFC 9068 access tokens.
    access_token_signing_alg_values_supported: [SIGNING_ALG],
    service_documentation: url("/connect"),
  };
  if (kind === "openid") {
    // Required by OIDC Discovery §3. No ID tokens are issued (no `openid` scope), but the members must be present.
    metadata.subject_types_supported = ["public"];
    metadata.id_token_signing_alg_values_supported = [SIGNING_ALG];
    metadata.claims_supported = ["sub", "iss", "aud", "exp", "iat"];
  }
  return metadata;
}
