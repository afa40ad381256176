import { createServer, request as forward, type IncomingMessage, type Server } from "node:http";

export interface BearerForwardingProxy {
  url: string;
  /** Requests forwarded so far. */
  forwarded(): number;
  stop(): Promise<void>;
}

// RFC 9110 §7.6.1: hop-by-hop fields are the proxy's own, never forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

/**
 * A local forwarding proxy for test tools that cannot send a bearer token (the MCP conformance suite has no option for
 * one): every request is forwarded to `target` — method, path, query, body and headers — with `Authorization: Bearer
 * <token>` added. The proxy stands in for the server, so its own origin in `Origin` and `Host` becomes the server's (a
 * page served by the proxy is same-origin with the server behind it); any other `Origin` or `Host` is forwarded as
 * sent, so DNS-rebinding checks still meet the server's own refusal. The answer streams back as it arrives (SSE
 * included). The token is asked for per request, so the caller can renew it.
 */
export async function startBearerForwardingProxy(options: {
  port: number;
  target: string;
  token: () => Promise<string>;
}): Promise<BearerForwardingProxy> {
  const target = new URL(options.target);
  let count = 0;
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const headers = forwardedHeaders(incoming, options.port, target);
      headers.authorization = `Bearer ${await options.token()}`;
      const upstream = forward(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers },
        (answer) => {
          const back: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value;
          }
          outgoing.writeHead(answer.statusCode ?? 502, back);
          answer.pipe(outgoing);
        },
      );
      count++;
      upstream.on("error", (error) => {
        if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
        outgoing.end(`bearer forwarding proxy: ${error.message}`);
      });
      outgoing.on("close", () => upstream.destroy());
      incoming.pipe(upstream);
    })().catch((error: Error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`bearer forwarding proxy: ${error.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://localhost:${options.port}`,
    forwarded: () => count,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forwardedHeaders(incoming: IncomingMessage, port: number, target: URL): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== "authorization") headers[name] = value;
  }
  const own = [`localhost:${port}`, `127.0.0.1:${port}`];
  if (typeof headers.host === "string" && own.includes(headers.host)) headers.host = target.host;
  if (typeof headers.origin === "string" && own.some((host) => headers.origin === `http://${host}`)) headers.origin = target.origin;
  return headers;
}
