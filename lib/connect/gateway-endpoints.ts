import { db } from "@/lib/db/client";
import { serverResource } from "@/lib/gateway/gateway-registry";
import type { HeldScopes } from "@/lib/policy/held-scopes";

export interface GatewayEndpoint {
  name: string;
  description: string;
  resource: string;
  /** The upstream's accepted tools this person's roles allow (the client and consent must allow them too). */
  tools: string[];
}

/** The upstream servers behind Portcullis whose tools someone holding `scopes` may call: what the Connect page offers. */
export async function gatewayEndpoints(scopes: HeldScopes): Promise<GatewayEndpoint[]> {
  const servers = await db().upstreamServer.findMany({
    orderBy: { name: "asc" },
    select: { name: true, description: true, tools: { where: { state: "accepted" }, select: { upstreamName: true, requiredScope: true }, orderBy: { name: "asc" } } },
  });
  return servers
    .map((s) => ({ name: s.name, description: s.description, resource: serverResource(s.name), tools: s.tools.filter((t) => scopes.hasRuntimeScope(t.requiredScope)).map((t) => t.upstreamName!) }))
    .filter((s) => s.tools.length > 0);
}
