import { z } from "zod";
import { jwksProblem } from "@/lib/assertions/jwks-problem";
import { redirectUriProblem } from "@/lib/clients/validate-redirect-uri";
import { GRANT_TYPES, SUPPORTED_GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod } from "@/lib/oauth/constants";
import { InvalidClientMetadata, InvalidRedirectUri } from "@/lib/oauth/errors";
import type { RegistrationPolicy } from "@/lib/settings/registration-policy";

/** Client metadata as RFC 7591 §2 defines it; unknown members are ignored (§2: "MUST ignore"). */
const clientMetadataInput = z.object({
  client_id: z.string().max(2000).optional(),
  client_secret: z.unknown().optional(),
  redirect_uris: z.array(z.string()).max(20, "at most 20 redirect URIs").optional(),
  token_endpoint_auth_method: z.string().max(100).optional(),
  grant_types: z.array(z.string().max(200)).max(10).optional(),
  response_types: z.array(z.string().max(100)).max(10).optional(),
  client_name: z.string().trim().min(1).max(200).optional(),
  client_uri: z.string().max(2000).optional(),
  logo_uri: z.string().max(2000).optional(),
  tos_uri: z.string().max(2000).optional(),
  policy_uri: z.string().max(2000).optional(),
  scope: z.string().max(4000).optional(),
  contacts: z.array(z.string().max(320)).max(10).optional(),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(200).optional(),
  // RFC 7591 §2: the client's public keys, by value or by reference (for private_key_jwt).
  jwks: z.unknown().optional(),
  jwks_uri: z.string().max(2000).optional(),
});

type Input = z.infer<typeof clientMetadataInput>;

export interface ValidatedClientMetadata {
  name: string;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** The scopes the client asked for at registration, as sent (evidence for the reviewer). */
  requestedScopes: string[];
  clientUri: string | null;
  logoUri: string | null;
  softwareId: string | null;
  softwareVersion: string | null;
  /** What is kept in Client.metadata: the members above plus contacts, tos_uri and policy_uri. */
  metadata: Record<string, unknown>;
}

interface Context {
  input: Input;
  source: "dcr" | "cimd";
  policy: RegistrationPolicy["redirectUris"];
  grantTypes: string[];
  responseTypes: string[];
  authMethod: string;
}

type Check = { name: string; run(ctx: Context): void };

const httpsUri = (field: keyof Input) => (ctx: Context) => {
  const value = ctx.input[field];
  if (typeof value !== "string") return;
  if (!URL.canParse(value) || new URL(value).protocol !== "https:") {
    throw new InvalidClientMetadata(`${field} must be an https URL.`);
  }
};

/**
 * The rules for client metadata, in the order they are checked (RFC 7591 §2, §2.1, §3.2.2; OAuth 2.1; CIMD draft §4).
 * The first failure is the answer.
 */
const CHECKS: Check[] = [
  {
    name: "auth_method_supported",
    run: ({ authMethod }) => {
      if (!(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(authMethod)) {
        throw new InvalidClientMetadata(
          `token_endpoint_auth_method ${authMethod} is not supported; use one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(", ")}.`,
        );
      }
    },
  },
  {
    // CIMD draft §4.1, §6.2: there is no way to share a secret with a metadata document client; it may prove itself
    // with a key it publishes (private_key_jwt) instead.
    name: "cimd_no_shared_secret",
    run: ({ source, authMethod, input }) => {
      if (source !== "cimd") return;
      if (authMethod !== "none" && authMethod !== "private_key_jwt") {
        throw new InvalidClientMetadata("A client ID metadata document must use token_endpoint_auth_method none or private_key_jwt.");
      }
      if (input.client_secret !== undefined) {
        throw new InvalidClientMetadata("A client ID metadata document must not contain client_secret.");
      }
    },
  },
  {
    // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present.
    name: "one_key_source",
    run: ({ input }) => {
      if (input.jwks !== undefined && input.jwks_uri !== undefined) throw new InvalidClientMetadata("Register jwks or jwks_uri, not both.");
    },
  },
  {
    name: "private_key_jwt_has_keys",
    run: ({ input, authMethod }) => {
      if (authMethod === "private_key_jwt" && input.jwks === undefined && input.jwks_uri === undefined) {
        throw new InvalidClientMetadata("token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri.");
      }
    },
  },
  {
    name: "jwks_public_keys",
    run: ({ input }) => {
      if (input.jwks === undefined) return;
      const problem = jwksProblem(input.jwks);
      if (problem) throw new InvalidClientMetadata(`jwks ${problem}.`);
    },
  },
  { name: "jwks_uri_https", run: httpsUri("jwks_uri") },
  {
    name: "grant_types_supported",
    run: ({ grantTypes }) => {
      const unsupported = grantTypes.filter((g) => !SUPPORTED_GRANT_TYPES.includes(g));
      if (unsupported.length > 0) {
        throw new InvalidClientMetadata(`grant_types contains unsupported ${unsupported.join(", ")} (OAuth 2.1 has no implicit or password grant).`);
      }
    },
  },
  {
    name: "response_types_supported",
    run: ({ responseTypes }) => {
      const unsupported = responseTypes.filter((r) => r !== "code");
      if (unsupported.length > 0) throw new InvalidClientMetadata(`response_types contains unsupported ${unsupported.join(", ")}; only code is supported.`);
    },
  },
  {
    // RFC 7591 §2.1: authorization_code goes with response type code, and code with authorization_code.
    name: "grant_and_response_types_consistent",
    run: ({ grantTypes, responseTypes }) => {
      const code = grantTypes.includes(GRANT_TYPES.authorizationCode);
      if (code !== responseTypes.includes("code")) {
        throw new InvalidClientMetadata("grant_types authorization_code and response_types code must be registered together.");
      }
    },
  },
  {
    name: "refresh_token_has_a_grant_to_refresh",
    run: ({ grantTypes }) => {
      if (grantTypes.includes(GRANT_TYPES.refreshToken) && !grantTypes.includes(GRANT_TYPES.authorizationCode) && !grantTypes.includes(GRANT_TYPES.deviceCode)) {
        throw new InvalidClientMetadata("grant_types refresh_token needs authorization_code or the device code grant.");
      }
    },
  },
  {
    name: "client_credentials_needs_a_secret",
    run: ({ grantTypes, authMethod }) => {
      if (grantTypes.includes(GRANT_TYPES.clientCredentials) && authMethod === "none") {
        throw new InvalidClientMetadata("The client_credentials grant needs a confidential client (client_secret_basic, client_secret_post or private_key_jwt).");
      }
    },
  },
  {
    // An ID-JAG is bound to a client_id, which is public: only the client's own credentials make the binding mean anything.
    name: "jwt_bearer_needs_authentication",
    run: ({ grantTypes, authMethod }) => {
      if (grantTypes.includes(GRANT_TYPES.jwtBearer) && authMethod === "none") {
        throw new InvalidClientMetadata("The jwt-bearer grant needs a confidential client (client_secret_basic, client_secret_post or private_key_jwt).");
      }
    },
  },
  {
    name: "redirect_uris_present",
    run: ({ grantTypes, input }) => {
      if (grantTypes.includes(GRANT_TYPES.authorizationCode) && (input.redirect_uris ?? []).length === 0) {
        throw new InvalidRedirectUri("redirect_uris is required for the authorization_code grant.");
      }
    },
  },
  {
    name: "redirect_uris_allowed",
    run: ({ input, policy }) => {
      for (const uri of input.redirect_uris ?? []) {
        const problem = redirectUriProblem(uri, policy);
        if (problem) throw new InvalidRedirectUri(`redirect_uri ${JSON.stringify(uri.slice(0, 200))} ${problem}.`);
      }
    },
  },
  { name: "client_uri_https", run: httpsUri("client_uri") },
  { name: "logo_uri_https", run: httpsUri("logo_uri") },
  { name: "tos_uri_https", run: httpsUri("tos_uri") },
  { name: "policy_uri_https", run: httpsUri("policy_uri") },
  {
    // MCP 2025-11-25 §Client ID Metadata Documents: client_name is required in a metadata document.
    name: "cimd_has_client_name",
    run: ({ source, input }) => {
      if (source === "cimd" && !input.client_name) throw new InvalidClientMetadata("A client ID metadata document must contain client_name.");
    },
  },
];

/**
 * Validates client metadata from a registration request (RFC 7591) or a fetched metadata document (CIMD), applying
 * RFC 7591's defaults. Throws InvalidRedirectUri or InvalidClientMetadata naming the first problem.
 */
export function validateClientMetadata(
  raw: Record<string, unknown>,
  source: "dcr" | "cimd",
  policy: RegistrationPolicy,
): ValidatedClientMetadata {
  const parsed = clientMetadataInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "metadata");
    const message = `${issue.path.map(String).join(".") || "metadata"}: ${issue.message}`;
    throw field === "redirect_uris" ? new InvalidRedirectUri(message) : new InvalidClientMetadata(message);
  }
  const input = parsed.data;
  // RFC 7591 §2 defaults: authorization_code, code, client_secret_basic. A metadata document cannot hold a secret, so
  // its default is none.
  const grantTypes = [...new Set(input.grant_types ?? [GRANT_TYPES.authorizationCode])];
  const responseTypes = [...new Set(input.response_types ?? (grantTypes.includes(GRANT_TYPES.authorizationCode) ? ["code"] : []))];
  const authMethod = input.token_endpoint_auth_method ?? (source === "cimd" ? "none" : "client_secret_basic");
  const ctx: Context = { input, source, policy: policy.redirectUris, grantTypes, responseTypes, authMethod };
  for (const check of CHECKS) check.run(ctx);

  const requestedScopes = [...new Set((input.scope ?? "").split(" ").filter(Boolean))].slice(0, 100);
  const metadata: Record<string, unknown> = Object.fromEntries(
    Object.entries({
      client_name: input.client_name,
      client_uri: input.client_uri,
      logo_uri: input.logo_uri,
      tos_uri: input.tos_uri,
      policy_uri: input.policy_uri,
      contacts: input.contacts,
      software_id: input.software_id,
      software_version: input.software_version,
      scope: input.scope,
      jwks: input.jwks,
      jwks_uri: input.jwks_uri,
    }).filter(([, v]) => v !== undefined),
  );
  return {
    name: input.client_name ?? "Unnamed client",
    redirectUris: [...new Set(input.redirect_uris ?? [])],
    grantTypes,
    responseTypes,
    tokenEndpointAuthMethod: authMethod as TokenEndpointAuthMethod,
    requestedScopes,
    clientUri: input.client_uri ?? null,
    logoUri: input.logo_uri ?? null,
    softwareId: input.software_id ?? null,
    softwareVersion: input.software_version ?? null,
    metadata,
  };
}
