import { oauthErrorResponse } from "@/lib/oauth/errors";
import { corsPreflight, withCors } from "@/lib/oauth/http/cors";
import { handleRevocationRequest } from "@/lib/oauth/revocation-endpoint/handle-revocation-request";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return withCors(await handleRevocationRequest(request).catch(oauthErrorResponse));
}

export const OPTIONS = () => corsPreflight("POST, OPTIONS");
