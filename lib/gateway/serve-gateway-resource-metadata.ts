import { gatewayRegistry, serverResource } from "@/lib/gateway/gateway-registry";
import { serverScopes } from "@/lib/gateway/handle-gateway-request";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { resourceAuthorizationServers } from "@/lib/workos/resource-authorization-servers";

const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS" };

/** RFC 9728 metadata of `/mcp/<name>`: its own resource, the scopes its tools require, our authorization server. */
export async function serveGatewayResourceMetadata(request: Request, name: string): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: { ...CORS, "Access-Control-Max-Age": "600" } });
  const { servers } = await gatewayRegistry();
  if (!servers.has(name)) return Response.json({ error: "not_found", error_description: `No MCP server is registered at /mcp/${name.slice(0, 64)}` }, { status: 404, headers: CORS });
  return Response.json(
    {
      resource: serverResource(name),
      authorization_servers: resourceAuthorizationServers(),
      scopes_supported: serverScopes(await policySnapshot(), name),
      bearer_methods_supported: ["header"],
      resource_name: `${name} (through Portcullis)`,
    },
    { headers: { ...CORS, "Cache-Control": "public, max-age=60" } },
  );
}
