import { SYSTEM_CONTEXT } from "@/lib/audit";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { processState } from "@/lib/process-state";
import { db } from "@/lib/db/client";
import { refreshUpstreamServer } from "@/lib/gateway/refresh-upstream-server";

const state = processState("gateway-mirror-refresh", () => ({ pending: new Map<string, ReturnType<typeof setTimeout>>(), timer: undefined as ReturnType<typeof setInterval> | undefined }));

// Notifications can come in bursts: one refresh a short while after the last.
const DEBOUNCE_MS = 500;

/** Refreshes one server's mirror soon (its `notifications/tools/list_changed` arrived), once per burst. */
export function scheduleMirrorRefresh(name: string): void {
  clearTimeout(state.pending.get(name));
  state.pending.set(
    name,
    setTimeout(() => {
      state.pending.delete(name);
      refreshUpstreamServer(name, SYSTEM_CONTEXT).catch((error) => logger.warn("mirror refresh failed", { server: name, error: (error as Error).message }));
    }, DEBOUNCE_MS),
  );
}

/**
 * Refreshes every server's mirror every PORTCULLIS_GATEWAY_REFRESH_SECONDS (0: never), so a tool changed upstream is
 * held even if no notification said so. Started with the other background work; returns the stop function.
 */
export function startMirrorRefresh(): () => void {
  const seconds = env().gateway.refreshSeconds;
  if (seconds === 0 || state.timer) return () => {};
  state.timer = setInterval(() => void refreshAll(), seconds * 1000);
  state.timer.unref?.();
  return () => {
    clearInterval(state.timer);
    state.timer = undefined;
  };
}

async function refreshAll(): Promise<void> {
  const servers = await db().upstreamServer.findMany({ select: { name: true } }).catch(() => []);
  for (const { name } of servers) {
    await refreshUpstreamServer(name, SYSTEM_CONTEXT).catch((error) => logger.warn("periodic mirror refresh failed", { server: name, error: (error as Error).message }));
  }
}
