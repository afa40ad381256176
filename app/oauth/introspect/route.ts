import { oauthErrorResponse } from "@/lib/oauth/errors";
import { corsPreflight, withCors } from "@/lib/oauth/http/cors";
import { handleIntrospectionRequest } from "@/lib/oauth/introspection/handle-introspection-request";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return withCors(await handleIntrospectionRequest(request).catch(oauthErrorResponse));
}

export const OPTIONS = () => corsPreflight("POST, OPTIONS");
