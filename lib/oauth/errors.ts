import { isAppError, isDatabaseUnavailable } from "@/lib/errors";
import { logger } from "@/lib/logger";

/**
 * Protocol errors of the authorization server: one class per error code of RFC 6749 §4.1.2.1/§5.2, RFC 7591 §3.2.2,
 * RFC 8628 §3.5, RFC 8707 §2 and RFC 7009 §2.2.1. Each knows its HTTP status; `oauthErrorResponse` renders any of
 * them as the RFC's JSON body, and anything else as a generic `server_error` that leaks nothing.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;

  constructor(
    readonly description: string,
    /** Extra response headers (WWW-Authenticate, Retry-After, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = "OAuthError";
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

// RFC 6749 §5.2 and §4.1.2.1
export class InvalidRequest extends OAuthError {
  readonly error = "invalid_request";
}

/** RFC 6749 §5.2: 401; with WWW-Authenticate when the client tried HTTP Basic. */
export class InvalidClient extends OAuthError {
  readonly error = "invalid_client";
  override readonly status = 401;

  constructor(description: string, options: { basic?: boolean } = {}) {
    super(description, options.basic ? { "WWW-Authenticate": 'Basic realm="portcullis", charset="UTF-8"' } : {});
  }
}

export class InvalidGrant extends OAuthError {
  readonly error = "invalid_grant";
}

export class UnauthorizedClient extends OAuthError {
  readonly error = "unauthorized_client";
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = "unsupported_grant_type";
}

export class UnsupportedResponseType extends OAuthError {
  readonly error = "unsupported_response_type";
}

export class InvalidScope extends OAuthError {
  readonly error = "invalid_scope";
}

export class AccessDenied extends OAuthError {
  readonly error = "access_denied";
}

/** OIDC Core §3.1.2.6, used for `prompt=none` when a sign-in or consent screen would be needed. */
export class LoginRequired extends OAuthError {
  readonly error = "login_required";
}

export class ConsentRequired extends OAuthError {
  readonly error = "consent_required";
}

// RFC 8707 §2
export class InvalidTarget extends OAuthError {
  readonly error = "invalid_target";
}

// RFC 7591 §3.2.2
export class InvalidRedirectUri extends OAuthError {
  readonly error = "invalid_redirect_uri";
}

export class InvalidClientMetadata extends OAuthError {
  readonly error = "invalid_client_metadata";
}

// RFC 8628 §3.5
export class AuthorizationPending extends OAuthError {
  readonly error = "authorization_pending";
}

export class SlowDown extends OAuthError {
  readonly error = "slow_down";
}

export class ExpiredToken extends OAuthError {
  readonly error = "expired_token";
}

// RFC 7009 §2.2.1
export class UnsupportedTokenType extends OAuthError {
  readonly error = "unsupported_token_type";
}

/** Body larger than the endpoint accepts: still an `invalid_request`, with the status that says why. */
export class RequestTooLarge extends OAuthError {
  readonly error = "invalid_request";
  override readonly status = 413;
}

/** RFC 9110 §15.5.6: the endpoint does not serve this method; `Allow` names those it does. */
export class MethodNotAllowed extends OAuthError {
  readonly error = "invalid_request";
  override readonly status = 405;

  constructor(description: string, allow: string) {
    super(description, { Allow: allow });
  }
}

/** Too many requests from one address (registration flood). */
export class TooManyRequests extends OAuthError {
  readonly error = "temporarily_unavailable";
  override readonly status = 429;

  constructor(description: string, retryAfterSeconds: number) {
    super(description, { "Retry-After": String(retryAfterSeconds) });
  }
}

export class TemporarilyUnavailable extends OAuthError {
  readonly error = "temporarily_unavailable";
  override readonly status = 503;
}

export class ServerError extends OAuthError {
  readonly error = "server_error";
  override readonly status = 500;
}

export function isOAuthError(error: unknown): error is OAuthError {
  return error instanceof OAuthError;
}

/** RFC 6749 §5.1: token responses and errors must not be cached. */
export const NO_STORE_HEADERS = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/** A JSON response that no cache keeps. */
export function noStoreJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const answer = noStoreJsonAnswer(body, status, headers);
  return new Response(answer.body, answer);
}

/** A response as status, headers and body text, whichever server sends it (Next.js, or the Portcullis server itself). */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The one mapper from an error to an HTTP response for every JSON endpoint of the authorization server. */
export function oauthErrorResponse(error: unknown, headers: Record<string, string> = {}): Response {
  const answer = oauthErrorAnswer(error, headers);
  return new Response(answer.body, answer);
}

/** `oauthErrorResponse` before it becomes a Response: for the Portcullis server, which writes its answers itself. */
export function oauthErrorAnswer(error: unknown, headers: Record<string, string> = {}): JsonAnswer {
  if (isOAuthError(error)) return noStoreJsonAnswer(error.toJSON(), error.status, { ...headers, ...error.headers });
  if (isAppError(error) && error.code === "unavailable") {
    return noStoreJsonAnswer(new TemporarilyUnavailable(error.message).toJSON(), 503, { ...headers, "Retry-After": "5" });
  }
  // The database down or restarting is not a bug: a retryable 503 (RFC 6749 §5.2 has no status for it; 503 with
  // temporarily_unavailable is what §4.1.2.1 names for the authorization endpoint), logged as a warning.
  if (isDatabaseUnavailable(error)) {
    logger.warn("authorization server endpoint refused: database unavailable", { reason: (error as Error)?.message?.split("\n").filter(Boolean).pop() });
    const unavailable = new TemporarilyUnavailable("The authorization server cannot reach its database right now. Try again shortly.");
    return noStoreJsonAnswer(unavailable.toJSON(), 503, { ...headers, "Retry-After": "1" });
  }
  logger.error("authorization server endpoint failed", { error, code: (error as { code?: unknown })?.code });
  const generic = new ServerError("The server could not complete the request. The error has been logged.");
  return noStoreJsonAnswer(generic.toJSON(), generic.status, headers);
}

/** noStoreJson before it becomes a Response. */
export function noStoreJsonAnswer(body: unknown, status = 200, headers: Record<string, string> = {}): JsonAnswer {
  return { status, headers: { "Content-Type": "application/json; charset=utf-8", ...NO_STORE_HEADERS, ...headers }, body: JSON.stringify(body) };
}
