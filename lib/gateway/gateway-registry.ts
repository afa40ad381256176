import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { UpstreamToolDefinition } from "@/lib/gateway/list-upstream-tools";
import type { UpstreamTarget } from "@/lib/gateway/upstream-target";
import { processState } from "@/lib/process-state";

export interface GatewayRegistry {
  servers: Map<string, UpstreamTarget>;
  /** The pinned (accepted) definition of every mirrored tool, by policy name (`<server>.<tool>`). */
  definitions: Map<string, UpstreamToolDefinition>;
}

interface RegistryCache {
  version?: number;
  registry?: GatewayRegistry;
  loading?: Promise<GatewayRegistry>;
}

const cache = processState<RegistryCache>("gateway-registry", () => ({}));

export const TARGET_SELECT = {
  name: true,
  url: true,
  authKind: true,
  headerName: true,
  headerValueSealed: true,
  tokenUrl: true,
  oauthClientId: true,
  clientSecretSealed: true,
  oauthScope: true,
  oauthResource: true,
  updatedAt: true,
} as const;

/**
 * The registered upstream servers, from memory. Registry changes bump the `policy` change counter (servers and their
 * tools are policy), so every instance reloads after a change here or — through LISTEN/NOTIFY and the reconciliation
 * poll — on another instance.
 */
export function gatewayRegistry(): Promise<GatewayRegistry> {
  const version = topicVersion("policy");
  if (cache.registry && cache.version === version) return Promise.resolve(cache.registry);
  if (cache.loading) return cache.loading;
  const loading = Promise.all([
    db().upstreamServer.findMany({ select: TARGET_SELECT }),
    db().tool.findMany({ where: { serverName: { not: null }, state: "accepted" }, select: { name: true, definition: true } }),
  ])
    .then(([rows, tools]) => {
      const registry: GatewayRegistry = {
        servers: new Map(rows.map((row) => [row.name, row])),
        definitions: new Map(tools.filter((t) => t.definition).map((t) => [t.name, t.definition as unknown as UpstreamToolDefinition])),
      };
      if (topicVersion("policy") === version) Object.assign(cache, { registry, version });
      return registry;
    })
    .finally(() => {
      if (cache.loading === loading) cache.loading = undefined;
    });
  cache.loading = loading;
  return loading;
}

/** The protected resource of an upstream: `<base>/mcp/<name>` (DESIGN §10). */
export function serverResource(name: string): string {
  return `${env().issuer}/mcp/${name}`;
}

/** The scope created with a server, required by its tools unless an admin says otherwise. */
export function serverScope(name: string): string {
  return `server:${name}`;
}

/** The policy name of a mirrored tool: `<server>.<tool>`. */
export function mirroredToolName(server: string, tool: string): string {
  return `${server}.${tool}`;
}
