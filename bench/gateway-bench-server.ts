/**
 * The Portcullis side of `npm run bench:gateway` (a child process): one database, an upstream registered as `bench`
 * (all tools accepted), a user whose role grants `server:bench`, tokens for `<base>/mcp/bench`, and an HTTP server:
 *   POST /mcp/bench        the governed endpoint (token, policy, decision recorded, forward with Portcullis's credential);
 *   POST /control/cpu      this process's CPU time;  POST /control/stats  decisions and gateway.call outcomes recorded.
 * Never part of the product: it lives in bench/ and listens on loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { CLI_CONTEXT, SYSTEM_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { handleGatewayRequest } from "@/lib/gateway/handle-gateway-request";
import { CLIENT_IP_HEADER } from "@/lib/http/client-address";
import { createRole } from "@/lib/roles/create-role";
import { startPortcullis } from "@/lib/startup";
import { createUser } from "@/lib/users/create-user";
import { issueTestToken } from "@/test/support/mcp";

const grants = Number(process.env.BENCH_GRANTS ?? 8);

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

await startPortcullis("server");
await addUpstreamServer({ name: "bench", url: process.env.BENCH_UPSTREAM_URL!, acceptAll: true }, CLI_CONTEXT);
await createRole({ name: "bench_gateway", scopes: ["server:bench"] }, CLI_CONTEXT);
const user = await createUser({ email: `bench-gw-${Date.now()}@example.test`, name: "Bench", roles: ["bench_gateway"] }, SYSTEM_CONTEXT);
const resource = `${env().issuer}/mcp/bench`;
const tokens: string[] = [];
let clientId: string | undefined;
for (let i = 0; i < grants; i++) {
  const issued = await issueTestToken({ userId: user.id, scopes: ["server:bench"], allowedScopes: ["server:bench"], clientId, clientName: "Bench client", resource });
  clientId = issued.clientId;
  tokens.push(issued.token);
}

const server = createServer(async (req, res) => {
  try {
    const path = new URL(req.url ?? "/", env().issuer).pathname;
    if (path === "/control/cpu") {
      const cpu = process.cpuUsage();
      return send(res, Response.json({ micros: cpu.user + cpu.system }));
    }
    if (path === "/control/stats") {
      const [allow, calls] = await Promise.all([
        db().auditEvent.count({ where: { kind: "decision.allow", tool: "bench.greet" } }),
        db().auditEvent.count({ where: { kind: "gateway.call", tool: "bench.greet", decision: "allow" } }),
      ]);
      return send(res, Response.json({ decisionAllow: allow, gatewayCallOk: calls }));
    }
    if (path.startsWith("/mcp/")) return send(res, await handleGatewayRequest(await toRequest(req), path.slice(5)));
    res.writeHead(404).end();
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(env().port, "127.0.0.1", () => process.stdout.write(`READY ${JSON.stringify({ tokens, database: env().embedded ? "embedded PGlite" : "PostgreSQL" })}\n`));

// A clean exit on SIGTERM, so that a profile asked for with BENCH_SERVER_NODE_ARGS=--cpu-prof is written.
const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
