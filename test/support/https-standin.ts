import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, globalAgent, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type StandinHandler = (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>;

export interface HttpsStandin {
  /** `https://localhost:<port>` */
  origin: string;
  route(path: string, handler: StandinHandler): string;
  /** How many requests each path received. */
  hits: Map<string, number>;
  /** Closes kept-alive connections, so the next fetch connects (and resolves the name) again. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * A local HTTPS server with a certificate made for this run, trusted through Node's default agent (as an operator
 * trusts a private CA) — a stand-in for another party's site: a client's jwks_uri, an enterprise IdP. Our fetcher
 * insists on https, so the stand-in speaks it.
 */
export async function startHttpsStandin(): Promise<HttpsStandin> {
  const certDir = mkdtempSync(join(tmpdir(), "portcullis-standin-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", join(certDir, "key.pem"), "-out", join(certDir, "cert.pem"), "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  const cert = readFileSync(join(certDir, "cert.pem"));
  const previousCa = globalAgent.options.ca;
  globalAgent.options.ca = cert;
  const routes = new Map<string, StandinHandler>();
  const hits = new Map<string, number>();
  const server: Server = createServer({ key: readFileSync(join(certDir, "key.pem")), cert }, (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const handler = routes.get(path);
      if (!handler) return void res.writeHead(404).end();
      Promise.resolve(handler(req, Buffer.concat(chunks).toString("utf8"), res)).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://localhost:${(server.address() as { port: number }).port}`;
  return {
    origin,
    hits,
    route(path, handler) {
      routes.set(path, handler);
      return `${origin}${path}`;
    },
    dropConnections() {
      server.closeAllConnections();
    },
    async close() {
      globalAgent.options.ca = previousCa;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}

/** Answers with JSON. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
}
