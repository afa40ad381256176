import { oauthErrorResponse } from "@/lib/oauth/errors";
import { corsPreflight, withCors } from "@/lib/oauth/http/cors";
import { authorizationServerMetadata } from "@/lib/oauth/metadata/authorization-server-metadata";

export const dynamic = "force-dynamic";

// RFC 8414 §3
export async function GET(): Promise<Response> {
  try {
    return withCors(Response.json(await authorizationServerMetadata("oauth"), { headers: { "Cache-Control": "public, max-age=300" } }));
  } catch (error) {
    return withCors(oauthErrorResponse(error));
  }
}

export const OPTIONS = () => corsPreflight("GET, OPTIONS");
