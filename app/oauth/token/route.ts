import { oauthErrorResponse } from "@/lib/oauth/errors";
import { corsPreflight, withCors } from "@/lib/oauth/http/cors";
import { handleTokenRequest } from "@/lib/oauth/token-endpoint/handle-token-request";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return withCors(await handleTokenRequest(request).catch(oauthErrorResponse));
}

export const OPTIONS = () => corsPreflight("POST, OPTIONS");
