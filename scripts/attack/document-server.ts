import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { join } from "node:path";

export const HUGE_DOCUMENT_BYTES = 200 * 1024;

/**
 * A hostile Client ID Metadata Document host on https://localhost (self-signed; the instance that fetches from it
 * trusts the certificate through NODE_EXTRA_CA_CERTS): documents whose client_id differs, that are too large, that
 * redirect, that are not JSON, that never finish.
 */
export interface DocumentServer {
  base: string;
  port: number;
  caFile: string;
  /** TCP connections accepted so far: an SSRF case that reached this host shows up here even if TLS then failed. */
  connections(): number;
  /** Serves `body` (a document, uncached) at `path` from now on; cases that need a document to change use it. */
  set(path: string, body: Record<string, unknown>): void;
  /** Requests served for one path so far (a connection may carry several: this counts fetches). */
  requests(path: string): number;
  stop(): Promise<void>;
}

export async function startDocumentServer(port: number, dir: string): Promise<DocumentServer> {
  const key = join(dir, "documents-key.pem");
  const cert = join(dir, "documents-cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  const base = `https://localhost:${port}`;
  const document = (path: string, extra: Record<string, unknown> = {}) => ({
    client_id: `${base}${path}`,
    client_name: "Hostile document",
    redirect_uris: ["http://127.0.0.1:3939/callback"],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    ...extra,
  });
  const hanging = new Set<import("node:http").ServerResponse>();
  const changing = new Map<string, Record<string, unknown>>();
  const served = new Map<string, number>();
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    served.set(path, (served.get(path) ?? 0) + 1);
    const json = (body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(200, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    switch (path) {
      case "/mismatch.json":
        return json(document(path, { client_id: `${base}/someone-else.json` }));
      case "/huge.json":
        return json(document(path, { client_name: "x".repeat(HUGE_DOCUMENT_BYTES) }));
      case "/huge-chunked.json": {
        // No Content-Length: the size limit must hold while reading, not only on the declared length.
        res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
        res.write(`{"client_id":"${base}${path}","client_name":"`);
        for (let i = 0; i < 50; i += 1) res.write("y".repeat(8 * 1024));
        res.end('"}');
        return;
      }
      case "/redirect.json":
        res.writeHead(302, { location: `${base}/redirected.json` });
        return res.end();
      case "/redirect-internal.json":
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        return res.end();
      case "/redirected.json":
        return json(document("/redirect.json"));
      case "/html.json":
        res.writeHead(200, { "content-type": "text/html" });
        return res.end(JSON.stringify(document(path)));
      case "/not-json.json":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("{ this is not json");
      case "/javascript-redirect.json":
        return json(document(path, { redirect_uris: ["javascript:alert(document.domain)//"] }));
      case "/no-store-renaming.json":
        // Forbids caching and changes its name on every fetch: each fetch would be a policy change.
        return json(document(path, { client_name: `Renamed ${served.get(path)}` }), { "cache-control": "no-store" });
      case "/gone.json":
        res.writeHead(404, { "cache-control": "no-store" });
        return res.end();
      case "/hang.json":
        hanging.add(res);
        res.writeHead(200, { "content-type": "application/json" });
        res.write("{");
        return;
      default:
        if (changing.has(path)) return json(changing.get(path), { "cache-control": "no-store" });
        res.writeHead(404);
        return res.end();
    }
  });
  let connections = 0;
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    base,
    port,
    connections: () => connections,
    set: (path, body) => void changing.set(path, body),
    requests: (path: string) => served.get(path) ?? 0,
    caFile: cert,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
