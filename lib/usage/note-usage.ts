import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { processState } from "@/lib/process-state";

const FLUSH_EVERY_MS = 10_000;

interface Usage {
  clients: Map<string, Date>;
  grants: Map<string, Date>;
  timer?: NodeJS.Timeout;
  flushing?: Promise<void>;
}

const usage = processState<Usage>("usage-marks", () => ({ clients: new Map(), grants: new Map() }));

/**
 * Remembers that a client (and a grant) were just used — a token request, an MCP call — for the "last used" the
 * console shows reviewers. Kept in memory and written every few seconds in one statement per table, and when the
 * server stops: never a write on the request's own path.
 */
export function noteUsage(clientId: string, grantId: string | null, at = new Date()): void {
  usage.clients.set(clientId, at);
  if (grantId) usage.grants.set(grantId, at);
  if (!usage.timer) {
    usage.timer = setInterval(() => void flushUsage(), FLUSH_EVERY_MS);
    usage.timer.unref();
  }
}

const SET_LAST_USED = (table: "Client" | "Grant") =>
  `UPDATE "${table}" AS t SET "lastUsedAt" = u.at FROM jsonb_to_recordset($1::jsonb) AS u(id text, at timestamptz)
   WHERE t."id" = u.id AND (t."lastUsedAt" IS NULL OR t."lastUsedAt" < u.at)`;

/** Writes what was noted since the last flush. A failure is logged and the marks are kept for the next attempt. */
export function flushUsage(): Promise<void> {
  usage.flushing ??= (async () => {
    const clients = [...usage.clients].map(([id, at]) => ({ id, at }));
    const grants = [...usage.grants].map(([id, at]) => ({ id, at }));
    usage.clients.clear();
    usage.grants.clear();
    if (clients.length === 0 && grants.length === 0) return;
    try {
      await db().$executeRawUnsafe(SET_LAST_USED("Client"), JSON.stringify(clients));
      await db().$executeRawUnsafe(SET_LAST_USED("Grant"), JSON.stringify(grants));
    } catch (error) {
      for (const { id, at } of clients) if (!usage.clients.has(id)) usage.clients.set(id, at);
      for (const { id, at } of grants) if (!usage.grants.has(id)) usage.grants.set(id, at);
      logger.warn("could not record client and grant last use; will retry", { error });
    }
  })().finally(() => {
    usage.flushing = undefined;
  });
  return usage.flushing;
}
