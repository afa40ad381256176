import { oauthErrorResponse } from "@/lib/oauth/errors";
import { corsPreflight, withCors } from "@/lib/oauth/http/cors";
import { handleRegistrationRequest } from "@/lib/oauth/registration/handle-registration-request";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return withCors(await handleRegistrationRequest(request).catch(oauthErrorResponse));
}

export const OPTIONS = () => corsPreflight("POST, OPTIONS");
