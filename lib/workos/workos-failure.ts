/** What went wrong calling WorkOS, in words fit for a log line and an audit event (never the API key or a stack). */
export interface WorkosFailure {
  /** The HTTP status WorkOS answered, or null when it did not answer (network error, timeout). */
  status: number | null;
  /** WorkOS refused the request (4xx other than 408/429): retrying will not help. */
  rejected: boolean;
  message: string;
}

export function workosFailure(error: unknown): WorkosFailure {
  const e = error as { status?: unknown; message?: unknown; code?: unknown; error?: unknown; errorDescription?: unknown };
  const status = typeof e?.status === "number" ? e.status : null;
  // OAuth-style refusals (OauthException) carry `error` and `error_description`; the rest a `code` and a `message`.
  const code = typeof e?.code === "string" ? ` (${e.code})` : typeof e?.error === "string" ? ` (${e.error})` : "";
  if (status === null) return { status, rejected: false, message: "WorkOS did not answer" };
  if (status === 408) return { status, rejected: false, message: "WorkOS did not answer in time" };
  if (status === 429) return { status, rejected: false, message: "WorkOS is rate-limiting requests" };
  if (status >= 500) return { status, rejected: false, message: `WorkOS failed with status ${status}` };
  const described = typeof e.errorDescription === "string" ? e.errorDescription : e.message;
  const text = typeof described === "string" ? described.slice(0, 200) : "request refused";
  return { status, rejected: true, message: `WorkOS refused the request with status ${status}${code}: ${text}` };
}
