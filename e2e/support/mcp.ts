import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { E2E_BASE_URL } from "./server";

export const MCP_URL = `${E2E_BASE_URL}/mcp`;

/** The protocol revision the journeys speak: modern clients pin it (the 2025-era client, SDK v1, is e2e/mcp-legacy-client.spec.ts). */
export const MODERN_REVISION = "2026-07-28";

/**
 * The official MCP SDK client (v2, @modelcontextprotocol/client) on MCP 2026-07-28, connected to an MCP endpoint (the
 * e2e server's /mcp unless told) with a bearer token. A refusal surfaces as the SDK's `SdkHttpError` with the status.
 */
export async function mcpClient(token: string, url = MCP_URL): Promise<Client> {
  const client = modernClient("portcullis-e2e");
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

/** A v2 SDK client pinned to MCP 2026-07-28 (stateless: `server/discover`, per-request `_meta`). */
export function modernClient(name: string): Client {
  return new Client({ name, version: "1.0.0" }, { versionNegotiation: { mode: { pin: MODERN_REVISION } } });
}

let id = 0;

/** One raw tools/call over HTTP, for exact statuses and headers (to the e2e server's /mcp unless `url` is given). */
export function callToolOverHttp(
  token: string | null,
  name: string,
  args: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  url = MCP_URL,
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": "2025-11-25",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name, arguments: args } }),
  });
}
