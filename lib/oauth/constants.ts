/** Grant types this server implements (RFC 6749 §4, RFC 8628 §3.4). */
export const GRANT_TYPES = {
  authorizationCode: "authorization_code",
  refreshToken: "refresh_token",
  clientCredentials: "client_credentials",
  deviceCode: "urn:ietf:params:oauth:grant-type:device_code",
  /** RFC 7523 §2.1, carrying an ID-JAG (enterprise-managed authorization). */
  jwtBearer: "urn:ietf:params:oauth:grant-type:jwt-bearer",
} as const;

export const SUPPORTED_GRANT_TYPES: readonly string[] = Object.values(GRANT_TYPES);

/**
 * Client authentication at the token endpoint (RFC 7591 §2). `none` is for public clients, which must use PKCE;
 * `private_key_jwt` (RFC 7523 §2.2, the MCP oauth-client-credentials extension) for clients that hold a key pair and
 * register its public half (`jwks` or `jwks_uri`) instead of receiving a secret.
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** The methods that authenticate with a shared secret this server issued (and stores only hashed). */
export const SECRET_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ["client_secret_basic", "client_secret_post"];

/** Where each endpoint lives, relative to the issuer. */
export const ENDPOINT_PATHS = {
  authorization: "/oauth/authorize",
  consent: "/oauth/consent",
  token: "/oauth/token",
  registration: "/oauth/register",
  revocation: "/oauth/revoke",
  introspection: "/oauth/introspect",
  jwks: "/oauth/jwks",
  deviceAuthorization: "/oauth/device_authorization",
  deviceVerification: "/oauth/device",
} as const;

/** OAuth 2.1 §4.1.2: codes are short-lived; one minute covers a redirect and an exchange. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** RFC 8628 §3.2: time for the user to find a browser, sign in and enter the code. */
export const DEVICE_CODE_TTL_SECONDS = 600;
/** RFC 8628 §3.2: default polling interval; §3.5 adds 5 seconds on each `slow_down`. */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
