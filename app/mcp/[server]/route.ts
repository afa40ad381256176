import { handleGatewayRequest } from "@/lib/gateway/handle-gateway-request";

// An upstream server's governed endpoint (DESIGN §10): every answer depends on the token, the policy and the upstream.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Context = { params: Promise<{ server: string }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  return handleGatewayRequest(request, (await params).server);
}

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
export const OPTIONS = handle;
