import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { SERVER_INFO } from "@/lib/mcp/server-info";
import { relayUpstreamMessages, UPSTREAM_CLIENT_CAPABILITIES } from "@/lib/gateway/relay-upstream-messages";
import { upstreamFetch } from "@/lib/gateway/upstream-fetch";
import { UpstreamFailure, type UpstreamTarget } from "@/lib/gateway/upstream-target";
import { processState } from "@/lib/process-state";

interface Pooled {
  version: number;
  client: Promise<Client>;
  inFlight: number;
}

const pool = processState("gateway-upstream-clients", () => new Map<string, Pooled>());

/**
 * Opens an MCP client session to an upstream with the v2 SDK client over Streamable HTTP, through `upstreamFetch`
 * (Portcullis's credential, no redirects, bounded answers). `onToolsChanged` runs on the upstream's
 * `notifications/tools/list_changed`.
 */
export async function connectUpstream(target: UpstreamTarget, onToolsChanged?: () => void): Promise<Client> {
  const client = new Client({ name: SERVER_INFO.name, version: SERVER_INFO.version }, { capabilities: UPSTREAM_CLIENT_CAPABILITIES });
  relayUpstreamMessages(client);
  if (onToolsChanged) client.setNotificationHandler("notifications/tools/list_changed", () => onToolsChanged());
  const transport = new StreamableHTTPClientTransport(new URL(target.url), { fetch: upstreamFetch(target) });
  try {
    await client.connect(transport, { timeout: env().gateway.timeoutMs });
  } catch (error) {
    void client.close().catch(() => {});
    throw asUpstreamFailure(error, target.name);
  }
  return client;
}

/**
 * The shared client for an upstream: one session per server and process, re-opened after a failure or a change.
 * `onToolsChanged` is required: whichever request opens the session (a tool call, a resources/* or prompts/* relay),
 * the upstream's `notifications/tools/list_changed` on it — on a call's stream or on the standalone stream, outside
 * any call — must refresh the mirror (DESIGN §10, tool pinning).
 */
export function pooledUpstream(target: UpstreamTarget, onToolsChanged: () => void): Pooled {
  const version = target.updatedAt.getTime();
  let entry = pool.get(target.name);
  if (!entry || entry.version !== version) {
    if (entry) void entry.client.then((c) => c.close()).catch(() => {});
    const client = connectUpstream(target, onToolsChanged);
    entry = { version, client, inFlight: 0 };
    const created = entry;
    client.then(
      (c) => {
        c.onclose = () => {
          if (pool.get(target.name) === created) pool.delete(target.name);
        };
      },
      () => {
        if (pool.get(target.name) === created) pool.delete(target.name);
      },
    );
    pool.set(target.name, entry);
  }
  return entry;
}

/** Drops an upstream's session (after a failure, a change, or its removal); the next call opens a new one. */
export function dropUpstream(name: string): void {
  const entry = pool.get(name);
  if (!entry) return;
  pool.delete(name);
  void entry.client.then((c) => c.close()).catch(() => {});
}

/** Closes every pooled session (tests, shutdown). */
export async function closeUpstreams(): Promise<void> {
  const entries = [...pool.values()];
  pool.clear();
  await Promise.allSettled(entries.map((e) => e.client.then((c) => c.close())));
}

/** An error from the SDK or the transport, as what happened to the upstream. */
export function asUpstreamFailure(error: unknown, name: string): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof UpstreamFailure) return e;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (/timed? ?out/i.test(message) || code === -32001) return new UpstreamFailure("timeout", `${name} did not answer within ${env().gateway.timeoutMs} ms`);
  logger.debug("upstream failure", { server: name, error });
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|socket/i.test(message)) return new UpstreamFailure("unreachable", `${name} could not be reached`);
  return new UpstreamFailure("bad_response", `${name} gave an answer that is not valid MCP (${message.slice(0, 200)})`);
}
