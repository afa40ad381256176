import { WorkOS } from "@workos-inc/node";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { processState } from "@/lib/process-state";

// Each WorkOS call runs inside a user's request (sign-in, bridge completion): retry a failure once, no more.
const MAX_RETRIES = 1;

const clients = processState("workos-clients", () => new Map<string, WorkOS>());

/**
 * The WorkOS SDK client for the configured API (https://api.workos.com, or a local stand-in in tests). One per
 * process and configuration.
 */
export function workosClient(): WorkOS {
  const { apiKey, clientId, apiUrl, apiTimeoutMs } = env().workos;
  if (!apiKey && !clientId) {
    throw new AppError("unavailable", "WorkOS is not configured: set WORKOS_API_KEY (and WORKOS_CLIENT_ID).");
  }
  const key = `${apiUrl}|${apiKey ?? ""}|${clientId ?? ""}|${apiTimeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    const url = new URL(apiUrl);
    client = new WorkOS({
      apiKey,
      clientId,
      apiHostname: url.hostname,
      https: url.protocol === "https:",
      port: url.port ? Number(url.port) : undefined,
      timeout: apiTimeoutMs,
      maxRetries: MAX_RETRIES,
    });
    clients.set(key, client);
  }
  return client;
}
