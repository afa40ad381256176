import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { serverResource, serverScope } from "@/lib/gateway/gateway-registry";

export interface UpstreamToolView {
  name: string;
  upstreamName: string;
  state: "accepted" | "held";
  requiredScope: string;
  description: string;
  definition: unknown;
  pendingDefinition: unknown;
  definitionHash: string | null;
  pendingHash: string | null;
}

export interface UpstreamServerView {
  name: string;
  url: string;
  description: string;
  resource: string;
  scope: string;
  authKind: string;
  /** The static header's name; its value is write-only and never shown. */
  headerName: string | null;
  tokenUrl: string | null;
  oauthClientId: string | null;
  oauthScope: string | null;
  oauthResource: string | null;
  lastContactAt: Date | null;
  lastRefreshedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  toolCount: number;
  heldCount: number;
  /** Median upstream latency of the most recent calls (ms), from the audit log; null before any call. */
  p50LatencyMs: number | null;
  tools: UpstreamToolView[];
}

const RECENT_CALLS = 100;

/** Every upstream server with its health and mirrored tools: secrets are never read out. */
export async function loadUpstreamServers(): Promise<UpstreamServerView[]> {
  const servers = await db().upstreamServer.findMany({ orderBy: { name: "asc" }, include: { tools: { orderBy: { name: "asc" } } } });
  return Promise.all(
    servers.map(async (s) => {
      const tools: UpstreamToolView[] = s.tools.map((t) => ({
        name: t.name,
        upstreamName: t.upstreamName ?? t.name,
        state: t.state === "held" ? "held" : "accepted",
        requiredScope: t.requiredScope,
        description: t.description,
        definition: t.definition,
        pendingDefinition: t.pendingDefinition,
        definitionHash: t.definitionHash,
        pendingHash: t.pendingHash,
      }));
      return {
        name: s.name,
        url: s.url,
        description: s.description,
        resource: serverResource(s.name),
        scope: serverScope(s.name),
        authKind: s.authKind,
        headerName: s.headerName,
        tokenUrl: s.tokenUrl,
        oauthClientId: s.oauthClientId,
        oauthScope: s.oauthScope,
        oauthResource: s.oauthResource,
        lastContactAt: s.lastContactAt,
        lastRefreshedAt: s.lastRefreshedAt,
        lastError: s.lastError,
        createdAt: s.createdAt,
        toolCount: tools.length,
        heldCount: tools.filter((t) => t.state === "held").length,
        p50LatencyMs: await p50Latency(s.name),
        tools,
      };
    }),
  );
}

export async function loadUpstreamServer(name: string): Promise<UpstreamServerView> {
  const server = (await loadUpstreamServers()).find((s) => s.name === name);
  if (!server) throw new AppError("not_found", `Server ${name} does not exist`);
  return server;
}

async function p50Latency(server: string): Promise<number | null> {
  const rows = await db().$queryRaw<Array<{ latency: number | null }>>`
    SELECT ("detail"->>'latencyMs')::float AS latency FROM "AuditEvent"
    WHERE "kind" = 'gateway.call' AND "detail"->>'server' = ${server} AND "detail" ? 'latencyMs'
    ORDER BY "seq" DESC LIMIT ${RECENT_CALLS}`;
  const values = rows.map((r) => r.latency).filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  return values.length ? values[Math.floor((values.length - 1) / 2)] : null;
}
