import { serveGatewayResourceMetadata } from "@/lib/gateway/serve-gateway-resource-metadata";

// RFC 9728 metadata for an upstream server's resource /mcp/<name> (§3.1: path-suffixed well-known URL).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Context = { params: Promise<{ server: string }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  return serveGatewayResourceMetadata(request, (await params).server);
}

export const GET = handle;
export const OPTIONS = handle;
