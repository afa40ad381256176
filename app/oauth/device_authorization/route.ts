import { handleDeviceAuthorizationRequest } from "@/lib/oauth/device/handle-device-authorization-request";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { corsPreflight, withCors } from "@/lib/oauth/http/cors";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return withCors(await handleDeviceAuthorizationRequest(request).catch(oauthErrorResponse));
}

export const OPTIONS = () => corsPreflight("POST, OPTIONS");
