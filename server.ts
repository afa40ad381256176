/**
 * The Portcullis server: validates configuration, opens the database (hosting the embedded one), applies migrations
 * and seeds policy, then serves the Next.js app. It owns the socket, so it is the one place that knows the client's
 * address; it hands it to the app in a header that clients cannot forge.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import next from "next";
import { describeDatabaseUrl } from "@/lib/db/open-database";
import { ConfigError, env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { answeredUnavailableWhileDown, databaseAnswersNow, databaseUnavailablePage } from "@/lib/health/database-status";
import { logger } from "@/lib/logger";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER, resolveClientIp } from "@/lib/http/client-address";
import { CROSS_SITE_ERROR, crossSiteRefusal } from "@/lib/http/cross-site-guard";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";
import { serveTokenRequest } from "@/lib/oauth/http/serve-token-request";
import { startPortcullis } from "@/lib/startup";
import { buildProduction, productionBuildIsCurrent } from "./scripts/production-build";

const dev = process.argv.includes("--dev");

function fail(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

/** `npm start` on a fresh clone (or after a change) builds first, so one command always runs the current code. */
function ensureBuild(): void {
  if (productionBuildIsCurrent()) return;
  process.stdout.write("Building Portcullis (first start, or the sources changed)…\n");
  if (!buildProduction()) fail("The build failed; see the output above.");
}

async function main() {
  let config: ReturnType<typeof env>;
  try {
    config = env();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (!dev) ensureBuild();

  let started: Awaited<ReturnType<typeof startPortcullis>>;
  try {
    started = await startPortcullis("server");
  } catch (error) {
    if (isAppError(error) || error instanceof ConfigError) fail(`Portcullis cannot start: ${error.message}`);
    throw error;
  }

  const app = next({ dev, hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const publicOrigin = new URL(config.issuer).origin;
  const publicHost = new URL(config.issuer).host;
  const server = createServer((req, res) => {
    delete req.headers[CLIENT_IP_HEADER];
    const ip = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"] as string | undefined, config.trustedProxies);
    if (ip) req.headers[CLIENT_IP_HEADER] = ip;
    const incomingId = req.headers[REQUEST_ID_HEADER];
    const id = typeof incomingId === "string" && /^[\w.:-]{1,128}$/.test(incomingId) ? incomingId : randomUUID();
    req.headers[REQUEST_ID_HEADER] = id;
    res.setHeader("X-Request-Id", id);
    const path = (req.url ?? "/").split("?")[0];
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info("request", { requestId: id, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ip });
    });
    const refusal = crossSiteRefusal(req.method, path, req.headers, publicOrigin);
    if (refusal) {
      const body = JSON.stringify({ error: CROSS_SITE_ERROR, error_description: `Cross-site request refused: ${refusal}.` });
      res.writeHead(403, { ...SECURITY_HEADERS, "Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    // One public host for every request: behind a balancer the Host header may name this instance, and Next.js checks a
    // server action's Origin against Host or X-Forwarded-Host. The Origin was just checked against the public origin,
    // so the forwarded host is set to it rather than trusted from the request.
    req.headers["x-forwarded-host"] = publicHost;
    if (serveTokenRequest(req, res, { ip, requestId: id })) return;
    // Console pages need the database and stream (their status goes out before their data is read): while it is down
    // they get a plain 503 up front rather than a 200 that then fails. The OAuth endpoints and /mcp answer an outage in
    // their protocols' terms themselves.
    const gated = answeredUnavailableWhileDown(path);
    const serve = async () => {
      if (gated && !(await databaseAnswersNow())) {
        const page = databaseUnavailablePage();
        res.writeHead(page.status, page.headers);
        res.end(page.body);
        return;
      }
      await handle(req, res);
    };
    serve().catch((error) => {
      logger.error("request failed", { requestId: id, method: req.method, path, error, code: (error as { code?: unknown })?.code });
      if (!res.headersSent) res.writeHead(500, { ...SECURITY_HEADERS, "Content-Type": "application/json", "Cache-Control": "no-store" });
      res.end('{"error":"server_error"}');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;

  server.on("error", (error: NodeJS.ErrnoException) => {
    const why = error.code === "EADDRINUSE" ? `port ${config.port} is already in use (set PORT to use another)` : error.message;
    void started.stop().finally(() => fail(`Portcullis cannot listen on ${config.host}:${config.port}: ${why}`));
  });
  server.listen(config.port, config.host, () => {
    const database = started.database.embedded ? `embedded (${config.dataDir})` : `PostgreSQL ${describeDatabaseUrl(started.database.url)}`;
    process.stdout.write(
      [
        `Portcullis is listening on ${config.issuer}`,
        `  console:   ${config.issuer}/`,
        `  MCP:       ${config.mcpResource}`,
        `  issuer:    ${config.issuerMode === "builtin" ? config.issuer : config.workos.authkitDomain} (${config.issuerMode})`,
        ...(config.issuerMode === "bridge" ? [`  login URI: ${config.issuer}/authkit/login (set it in the WorkOS dashboard)`] : []),
        `  database:  ${database}${started.database.applied.length ? `, applied ${started.database.applied.length} migration(s)` : ""}`,
        "",
      ].join("\n"),
    );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping Portcullis…\n`);
    server.close();
    server.closeAllConnections();
    void started.stop().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error) => fail(`Portcullis stopped on an unexpected error: ${(error as Error)?.stack ?? String(error)}`));
