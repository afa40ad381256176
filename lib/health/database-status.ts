import { db } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/errors";
import { processState } from "@/lib/process-state";

/**
 * Whether this process last found its database reachable. The change watcher asks every reconciliation interval (one
 * second by default), so this is at most that stale. Pages that cannot be served without the database are answered
 * 503 while it is down (server.ts), instead of each failing on its own; the authorization server and `/mcp`
 * map their own failures (503 `temporarily_unavailable`, a JSON-RPC error).
 */
const state = processState("database-status", () => ({ unreachableSince: undefined as number | undefined }));

export function noteDatabaseReachable(reachable: boolean, now = Date.now()): void {
  if (reachable) state.unreachableSince = undefined;
  else state.unreachableSince ??= now;
}

/** When the database was first found unreachable in the current outage; undefined when it answers. */
export function databaseUnreachableSince(): number | undefined {
  return state.unreachableSince;
}

// Endpoints that answer an outage themselves, in their protocol's terms (and /readyz, whose job is to say so).
const ANSWER_THEIR_OWN = [/^\/mcp(\/|$)/, /^\/oauth\//, /^\/\.well-known\//, /^\/(readyz|healthz)$/, /^\/_next\//, /^\/favicon/];

/** The console's pages, sign-in and setup need the database: while it is down they are answered 503 up front. */
export function answeredUnavailableWhileDown(path: string): boolean {
  return !ANSWER_THEIR_OWN.some((pattern) => pattern.test(path));
}

export function databaseUnavailablePage(): { status: 503; headers: Record<string, string>; body: string } {
  return {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Retry-After": "1" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Portcullis — temporarily unavailable</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#0f172a"><h1 style="font-size:1.25rem">Temporarily unavailable</h1><p>Portcullis cannot reach its database right now. This page will work again as soon as it is back; try again in a moment.</p></body></html>`,
  };
}

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether a console page can be served now: not while an outage is known, and otherwise only if the database answers a
 * trivial query. Console pages stream (their status is sent before their data is read), so this is the last moment a
 * page can still be answered 503 instead of a 200 whose content then fails. One round trip per page view.
 */
export async function databaseAnswersNow(): Promise<boolean> {
  if (state.unreachableSince !== undefined) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), PROBE_TIMEOUT_MS)));
  try {
    const outcome = await Promise.race([db().$queryRaw`SELECT 1`.then(() => "ok" as const), timeout]);
    if (outcome === "ok") return true;
    noteDatabaseReachable(false);
    return false;
  } catch (error) {
    if (!isDatabaseUnavailable(error)) return true;
    noteDatabaseReachable(false);
    return false;
  } finally {
    clearTimeout(timer);
  }
}
