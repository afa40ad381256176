/**
 * What every signed assertion this server accepts must satisfy — private_key_jwt client assertions (RFC 7523 §2.2,
 * §3) and ID-JAGs (draft-ietf-oauth-identity-assertion-authz-grant §3.1, §4.4.1) alike.
 */

/** Asymmetric algorithms only: never `none` (RFC 7523 §3 item 9) and never HS*, whose key would be a shared secret. */
export const ASSERTION_SIGNING_ALGS = ["RS256", "PS256", "ES256", "EdDSA"] as const;

/** An assertion further in the future than this (exp − now) is refused: assertions are short-lived by design. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** Clocks differ; this much either way is tolerated on exp, nbf and iat. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 60;

/** Assertions are a few hundred bytes; this leaves room for large RSA keys and a few extra claims. */
export const MAX_ASSERTION_BYTES = 8 * 1024;

/** RFC 7521 §4.2 / RFC 7523 §2.2: the only client assertion type this server understands. */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** The ID-JAG's `typ` header (draft-ietf-oauth-identity-assertion-authz-grant §3.1). */
export const ID_JAG_TYP = "oauth-id-jag+jwt";

/** authorization_grant_profiles_supported value for ID-JAG (the enterprise-managed authorization extension §6). */
export const ID_JAG_GRANT_PROFILE = "urn:ietf:params:oauth:grant-profile:id-jag";
