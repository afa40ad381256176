import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { E2E_BASE_URL } from "./server";

export const MCP_URL = `${E2E_BASE_URL}/mcp`;

/** The official MCP SDK client, connected to an MCP endpoint (the e2e server's /mcp unless told) with a bearer token. */
export async function mcpClient(token: string, url = MCP_URL): Promise<Client> {
  const client = new Client({ name: "portcullis-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
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
