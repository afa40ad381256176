import { env } from "@/lib/env";
import { gatewayRegistry, serverResource } from "@/lib/gateway/gateway-registry";
import { matchesResource } from "@/lib/oauth/resource";

/**
 * RFC 8707 §2: the protected resource a token request names, as this deployment writes it — the built-in `/mcp`, or
 * a registered upstream server's `/mcp/<name>` (DESIGN §10); null for anything else. A request naming none means `/mcp`.
 */
export async function resolveProtectedResource(requested: string | undefined): Promise<string | null> {
  const { mcpResource } = env();
  if (requested === undefined || matchesResource(requested, mcpResource)) return mcpResource;
  const { servers } = await gatewayRegistry();
  for (const name of servers.keys()) {
    const resource = serverResource(name);
    if (matchesResource(requested, resource)) return resource;
  }
  return null;
}

/** The upstream server a resource identifies, if it is one (for the consent page). */
export function serverOfResource(resource: string): string | null {
  const prefix = `${env().issuer}/mcp/`;
  return resource.startsWith(prefix) ? resource.slice(prefix.length) : null;
}
