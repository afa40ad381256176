import { handleGatewayRequest } from "@/lib/gateway/handle-gateway-request";

/** A `fetch` for SDK clients and hand-built requests that answers `/mcp/<name>` in this process, as the route does. */
export async function gatewayRoute(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(url, init);
  return handleGatewayRequest(request, new URL(request.url).pathname.slice("/mcp/".length));
}
