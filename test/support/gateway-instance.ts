/**
 * A second Portcullis server process for multi-instance tests: started like any server (`startPortcullis("server")`:
 * the shared PostgreSQL named by DATABASE_URL, its own in-memory caches, LISTEN/NOTIFY and the reconciliation poll),
 * serving `/mcp/<name>` over HTTP on an ephemeral loopback port, which it prints as `READY <port>`. Never part of the
 * product: it lives with the tests.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { env } from "@/lib/env";
import { handleGatewayRequest } from "@/lib/gateway/handle-gateway-request";
import { CLIENT_IP_HEADER } from "@/lib/http/client-address";
import { startPortcullis } from "@/lib/startup";

const started = await startPortcullis("server");
const http = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  headers.set(CLIENT_IP_HEADER, "127.0.0.1");
  const url = new URL(req.url ?? "/", env().issuer);
  const request = new Request(url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  const response = url.pathname.startsWith("/mcp/") ? await handleGatewayRequest(request, url.pathname.slice(5)) : new Response("not found", { status: 404 });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
http.listen(0, "127.0.0.1", () => process.stdout.write(`READY ${(http.address() as AddressInfo).port}\n`));
process.on("SIGTERM", () => {
  http.close();
  void started.stop().finally(() => process.exit(0));
});
