/**
 * Application errors for the console, the CLI and internal callers. Protocol errors (OAuth, RFC 6750) have their own
 * family in lib/oauth/errors.ts. Anything that is neither becomes a generic 500 that leaks nothing.
 */
const APP_ERROR_STATUS = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  /** The actor holds the scope for the action, but this change would give or take more than they may (lib/privilege). */
  privilege_escalation: 403,
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

// Prisma's codes for "the database cannot be reached right now" (connection, timeout, pool exhaustion), and the driver
// adapter's kinds for the same.
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionAlreadyClosed"]);

// PostgreSQL SQLSTATEs of the same: class 08 (connection exception), the server shutting down or starting up (57P01-03),
// too many connections, a query cancelled by statement_timeout and a session ended by idle_in_transaction_session_timeout.
const UNAVAILABLE_SQLSTATES = /^(08\w{3}|57P0[123]|53300|57014|25P03)$/;

/** True when the failure is the database being down, restarting or overloaded — a 503 to retry, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  type Cause = { kind?: unknown; code?: unknown; originalCode?: unknown };
  const e = error as { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: Cause } }; cause?: Cause };
  if (typeof e?.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
  const cause = e?.meta?.driverAdapterError?.cause ?? e?.cause;
  if (typeof cause?.kind === "string" && UNAVAILABLE_KINDS.has(cause.kind)) return true;
  // A raw query (P2010) or the driver itself reports PostgreSQL's own code.
  const sqlstate = [cause?.originalCode, cause?.code, e?.meta?.code, e?.code].find((c): c is string => typeof c === "string" && UNAVAILABLE_SQLSTATES.test(c));
  if (sqlstate) return true;
  if (typeof e?.code === "string" && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(e.code)) return true;
  // node-postgres reports a connection lost under an open transaction as a plain Error, with no code: these messages.
  return error instanceof Error && PG_CONNECTION_LOST.test(error.message);
}

const PG_CONNECTION_LOST = /^(Client has encountered a connection error and is not queryable|Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect)$/;

/**
 * True when the database refused to change or delete an audit event or checkpoint: the append-only trigger's own
 * SQLSTATE (migration 20261206030000_audit_checkpoints), from Prisma or from the driver.
 */
export function isAuditLogRefusal(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  return [e?.code, e?.meta?.code, e?.meta?.driverAdapterError?.cause?.originalCode].includes("PA001");
}

/** What a user may be shown of any error: its own message for AppError, nothing for the rest. */
export function publicError(error: unknown): { code: AppErrorCode; message: string; status: number } {
  if (isAppError(error)) return { code: error.code, message: error.message, status: error.status };
  if (isAuditLogRefusal(error)) {
    return { code: "forbidden", message: "The audit log is append-only: its events and checkpoints are never changed or deleted.", status: 403 };
  }
  if (isDatabaseUnavailable(error)) {
    return { code: "unavailable", message: "The database is unavailable right now. Try again shortly.", status: 503 };
  }
  return { code: "internal", message: "Something went wrong on our side. The error has been logged.", status: 500 };
}

/** Zod issues in one readable sentence per field. */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");
}
