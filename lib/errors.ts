/**
 * Application errors for the console, the CLI and internal callers. Protocol errors (OAuth, RFC 6750) have their own
 * family in lib/oauth/errors.ts. Anything that is neither becomes a generic 500 that leaks nothing.
 */
const APP_ERROR_STATUS = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  role_cycle: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = APP_ERROR_STATUS[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof Error && error.name === "AppError" && "code" in error && "status" in error;
}

/** What a user may be shown of any error: its own message for AppError, nothing for the rest. */
export function publicError(error: unknown): { code: AppErrorCode; message: string; status: number } {
  if (isAppError(error)) return { code: error.code, message: error.message, status: error.status };
  return { code: "internal", message: "Something went wrong on our side. The error has been logged.", status: 500 };
}

/** Zod issues in one readable sentence per field. */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");
}
