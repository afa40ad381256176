/**
 * The server side of `npm run bench:mcp` (a child process, so the load generator does not share its event loop).
 * One HTTP server, one database, two routes serving the same tool (BENCH_TOOL, default whoami) through the same SDK
 * transport:
 *   POST /mcp   the full protected path: token verification, revocation view, policy decision, durable audit;
 *   POST /bare  the bare SDK transport: no token, no policy, no audit;
 *   POST /control/revoke  revokes a grant (the revocation check), answering once the revocation has committed;
 *   POST /control/cpu     this process's CPU time, so the cost per call can be measured apart from the machine's load;
 *   POST /control/stats   decision events recorded, by kind;  POST /control/verify  the audit chain, verified.
 * Both routes go through the same Node ⇄ fetch adapter, so the difference measured is exactly the protection.
 * Never part of the product: it lives in bench/ and listens on loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { SYSTEM_CONTEXT, verifyAuditChain } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { CLIENT_IP_HEADER } from "@/lib/http/client-address";
import { buildMcpServer } from "@/lib/mcp/build-mcp-server";
import { callerFromClaims } from "@/lib/mcp/caller";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { issueTestToken } from "@/test/support/mcp";
import { decide } from "@/lib/policy/decide";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { startPortcullis } from "@/lib/startup";
import { verifyAccessToken } from "@/lib/access-tokens/verify-access-token";
import { createUser } from "@/lib/users/create-user";
import { governanceFixtures, serveAccess } from "./mcp-governance-fixtures";

const grants = Number(process.env.BENCH_GRANTS ?? 8);
const tool = process.env.BENCH_TOOL ?? "whoami";
const scopes = ["account:read", "clients:read", "policy:read"];

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  headers.set(CLIENT_IP_HEADER, "127.0.0.1");
  return new Request(new URL(req.url ?? "/", env().issuer), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

const started = await startPortcullis("server");
const user = await createUser({ email: `bench-${Date.now()}@example.test`, name: "Bench", roles: ["reader"] }, SYSTEM_CONTEXT);
const issued: Array<{ token: string; grantId: string }> = [];
let clientId: string | undefined;
for (let i = 0; i < grants; i++) {
  const token = await issueTestToken({ userId: user.id, scopes, clientId, clientName: "Bench client" });
  clientId = token.clientId;
  issued.push({ token: token.token, grantId: token.grantId });
}

// Call-time governance scenarios (bench/mcp-governance.ts): a condition-guarded caller and an AuthZEN enforcement point.
const governance = await governanceFixtures(user, clientId, grants, tool);

// The bare route's caller is fixed: the same tool, with nothing checked and nothing recorded.
const claims = await verifyAccessToken(issued[0].token);
const bareCaller = callerFromClaims(issued[0].token, claims);

async function serveBare(request: Request): Promise<Response> {
  const snapshot = await policySnapshot();
  const allowed = decide(snapshot, { userId: bareCaller.userId, clientId: bareCaller.clientId, tokenScopes: bareCaller.scopes, tool });
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  const server = buildMcpServer({ caller: bareCaller, snapshot, audit: SYSTEM_CONTEXT, allowed });
  await server.connect(transport);
  // Served exactly as the full path serves a 2025-era request (lib/mcp/handle-mcp-request.ts: dropped after its JSON
  // answer, not closed), so the difference measured stays the protection alone.
  return transport.handleRequest(request);
}

const http = createServer((req, res) => {
  void (async () => {
    const request = await toRequest(req);
    const path = new URL(request.url).pathname;
    if (path === "/mcp") return send(res, await handleMcpRequest(request));
    if (path === "/bare") return send(res, await serveBare(request));
    const access = serveAccess(request, path);
    if (access) return send(res, await access);
    if (path === "/control/revoke") {
      const { grantId } = (await request.json()) as { grantId: string };
      await revokeGrant(grantId, SYSTEM_CONTEXT, "benchmark revocation check");
      return send(res, Response.json({ revoked: grantId }));
    }
    if (path === "/control/cpu") {
      const { user, system } = process.cpuUsage();
      return send(res, Response.json({ micros: user + system }));
    }
    if (path === "/control/stats") {
      const decisions = await db().auditEvent.groupBy({ by: ["kind"], where: { kind: { startsWith: "decision." } }, _count: true });
      return send(res, Response.json(Object.fromEntries(decisions.map((d) => [d.kind, d._count]))));
    }
    if (path === "/control/verify") return send(res, Response.json(await verifyAuditChain(db())));
    return send(res, new Response("not found", { status: 404 }));
  })().catch((error) => {
    res.writeHead(500).end(String(error));
  });
});
http.keepAliveTimeout = 65_000;
http.listen(env().port, "127.0.0.1", () => {
  process.stdout.write(`READY ${JSON.stringify({ port: env().port, tokens: issued, governance, database: started.database.embedded ? "embedded PGlite" : "PostgreSQL" })}\n`);
});

const stop = () => {
  http.close();
  http.closeAllConnections();
  void started.stop().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
