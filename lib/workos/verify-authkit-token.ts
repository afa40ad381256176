import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { authkitJwks } from "@/lib/workos/authkit-jwks";

/** Who is calling, as an AuthKit access token says. */
export interface AuthkitCaller {
  /** The WorkOS user id (`sub`). */
  subject: string;
  /** The MCP client the token was issued to. */
  clientId: string;
  /** The token's OAuth scopes (`scope`, space-delimited, or `scp`). */
  scopes: string[];
  /** WorkOS roles (`roles`, and `role`). */
  externalRoles: string[];
  /** WorkOS permissions (`permissions`). */
  permissions: string[];
  jti: string;
  sessionId: string | null;
  organizationId: string | null;
  expiresAt: Date;
}

export class InvalidAuthkitToken extends Error {
  /**
   * `caller`: set when the token itself checked out (AuthKit signed it for this resource) but is refused here — on the
   * deny-list, or naming a WorkOS user Portcullis cannot place — so the refusal can be audited against its client and
   * user like any other decision.
   */
  constructor(
    readonly why: string,
    readonly caller?: AuthkitCaller,
  ) {
    super(why);
    this.name = "InvalidAuthkitToken";
  }
}

export interface VerifyAuthkitOptions {
  jwks?: JWTVerifyGetKey;
  issuer?: string;
  /** The resource this server is (RFC 8707): `<issuer>/mcp`. */
  audience?: string;
  allowClientAudience?: boolean;
}

// AuthKit signs with RS256. `none`, HMAC (a public key misused as a shared secret) and everything else are refused.
const ALGORITHMS = ["RS256"];
const CLOCK_SKEW_SECONDS = 5;
const MAX_TOKEN_LENGTH = 16_384;
const CLIENT_ID = /^[\x21-\x7e]{1,255}$/;
// AuthKit's own client ids: the only kind accepted as an audience when clients send no RFC 8707 resource.
const AUTHKIT_CLIENT_ID = /^client_[0-9A-Za-z]{1,64}$/;

interface Context {
  payload: JWTPayload & Record<string, unknown>;
  audience: string;
  allowClientAudience: boolean;
  clientId?: string;
}

const strings = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every((v) => typeof v === "string" && v.length > 0 && v.length <= 200) ? (value as string[]) : null;

const audiences = (payload: JWTPayload): string[] =>
  typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];

/**
 * Claim checks after the signature, issuer and times are verified. Each is one rule; they run in this order and the
 * first failure is the reason the token is refused.
 */
const CHECKS: Array<{ name: string; run(ctx: Context): string | null }> = [
  {
    // An ID token (same issuer, same keys, aud = client id) must never pass as an access token.
    name: "not_an_id_token",
    run: ({ payload }) => ("nonce" in payload || "at_hash" in payload ? "an ID token is not an access token" : null),
  },
  {
    name: "subject",
    run: ({ payload }) => (typeof payload.sub === "string" && /^[\x21-\x7e]{1,255}$/.test(payload.sub) ? null : "token has no valid subject"),
  },
  {
    name: "token_id",
    run: ({ payload }) => (typeof payload.jti === "string" && /^[\x21-\x7e]{1,255}$/.test(payload.jti) ? null : "token has no valid jti"),
  },
  {
    name: "client",
    run: (ctx) => {
      const named = ctx.payload.client_id ?? ctx.payload.azp;
      if (named !== undefined) {
        if (typeof named !== "string" || !CLIENT_ID.test(named)) return "token client_id is malformed";
        ctx.clientId = named;
        return null;
      }
      // Connect tokens without RFC 8707 name their client only in `aud`.
      const aud = audiences(ctx.payload);
      if (ctx.allowClientAudience && aud.length === 1 && AUTHKIT_CLIENT_ID.test(aud[0])) {
        ctx.clientId = aud[0];
        return null;
      }
      return "token names no client";
    },
  },
  {
    // RFC 8707 / RFC 9068 §4: the token must be meant for this resource; with the legacy allowance, for its own client.
    name: "audience",
    run: ({ payload, audience, allowClientAudience, clientId }) => {
      const aud = audiences(payload);
      if (aud.includes(audience)) return null;
      if (allowClientAudience && clientId && AUTHKIT_CLIENT_ID.test(clientId) && aud.length === 1 && aud[0] === clientId) return null;
      return `token audience ${aud.join(" ") || "(none)"} is not ${audience}`;
    },
  },
  {
    name: "scopes",
    run: ({ payload }) =>
      (payload.scope === undefined || typeof payload.scope === "string") && (payload.scp === undefined || strings(payload.scp))
        ? null
        : "token scope claim is malformed",
  },
  {
    name: "roles",
    run: ({ payload }) =>
      (payload.roles === undefined || strings(payload.roles)) &&
      (payload.role === undefined || typeof payload.role === "string") &&
      (payload.permissions === undefined || strings(payload.permissions))
        ? null
        : "token roles or permissions are malformed",
  },
];

/**
 * Verifies an AuthKit access token: RS256 only, signed by a key in AuthKit's JWKS, `iss` exactly the AuthKit domain,
 * `aud` this MCP resource, times within a small skew, then the claim checks above. Returns the caller, normalised.
 * Throws InvalidAuthkitToken (→ 401) for a bad token, AppError `unavailable` (→ 503) when AuthKit's keys cannot be
 * fetched — a token is never accepted unverified. Revocation is the caller's next step (isAuthkitDenied).
 */
export async function verifyAuthkitToken(token: string, options: VerifyAuthkitOptions = {}): Promise<AuthkitCaller> {
  const config = env();
  const issuer = options.issuer ?? config.workos.authkitDomain;
  if (!issuer) throw new AppError("unavailable", "AuthKit is not configured: set WORKOS_AUTHKIT_DOMAIN.");
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidAuthkitToken("token is too long");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, options.jwks ?? authkitJwks(), {
      algorithms: ALGORITHMS,
      issuer,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["iss", "sub", "exp", "iat", "jti"],
    }));
  } catch (error) {
    throw translate(error, token);
  }
  const ctx: Context = {
    payload: payload as Context["payload"],
    audience: options.audience ?? config.mcpResource,
    allowClientAudience: options.allowClientAudience ?? config.workos.allowClientAudience,
  };
  for (const check of CHECKS) {
    const failure = check.run(ctx);
    if (failure) throw new InvalidAuthkitToken(failure);
  }
  const claims = ctx.payload;
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : (strings(claims.scp) ?? []);
  const roles = new Set([...(strings(claims.roles) ?? []), ...(typeof claims.role === "string" ? [claims.role] : [])]);
  return {
    subject: claims.sub!,
    clientId: ctx.clientId!,
    scopes: [...new Set(scopes)],
    externalRoles: [...roles],
    permissions: [...new Set(strings(claims.permissions) ?? [])],
    jti: claims.jti!,
    sessionId: typeof claims.sid === "string" ? claims.sid : null,
    organizationId: typeof claims.org_id === "string" ? claims.org_id : null,
    expiresAt: new Date(claims.exp! * 1000),
  };
}

function translate(error: unknown, token: string): Error {
  if (error instanceof errors.JWTExpired) return new InvalidAuthkitToken("token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) return new InvalidAuthkitToken(`token ${error.claim} claim is invalid`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidAuthkitToken("token signature is invalid");
  if (error instanceof errors.JWKSNoMatchingKey) return new InvalidAuthkitToken("token was signed by a key AuthKit does not publish");
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new InvalidAuthkitToken("token key id is ambiguous");
  if (error instanceof errors.JOSEAlgNotAllowed) {
    let alg = "none";
    try {
      alg = String(decodeProtectedHeader(token).alg ?? "none");
    } catch {
      // unreadable header: reported as none
    }
    return new InvalidAuthkitToken(`algorithm ${alg} is not accepted`);
  }
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid || error instanceof errors.JOSENotSupported) {
    return new InvalidAuthkitToken("token is malformed");
  }
  // The key set could not be fetched or read: AuthKit's problem (or the network's), not the token's. Fail closed.
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof errors.JOSEError || error instanceof TypeError) {
    return new AppError("unavailable", "AuthKit's signing keys cannot be fetched right now; the token cannot be verified.");
  }
  return new InvalidAuthkitToken("token is malformed");
}
