import { protectedResourceMetadata } from "@/lib/mcp/protected-resource-metadata";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS" };

/** RFC 9728 §3.2: the metadata document as JSON. Public, and readable from browser-based MCP clients on any origin. */
export async function serveResourceMetadata(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: { ...CORS, "Access-Control-Max-Age": "600" } });
  const metadata = protectedResourceMetadata(await policySnapshot());
  return Response.json(metadata, { headers: { ...CORS, "Cache-Control": "public, max-age=60" } });
}
