import { clientIp, requestId } from "@/lib/http/client-address";
import { handleAuthorizationRequest } from "@/lib/oauth/authorize/handle-authorization-request";
import { handleConsentDecision } from "@/lib/oauth/authorize/handle-consent-decision";
import { signedInUser } from "@/lib/auth/signed-in-user";
import { unexpectedFailurePage } from "@/lib/oauth/authorize/unexpected-failure-page";

export const dynamic = "force-dynamic";

function context(request: Request) {
  return { actor: "anonymous", ip: clientIp(request.headers), requestId: requestId(request.headers) };
}

export async function GET(request: Request): Promise<Response> {
  try {
    return await handleAuthorizationRequest(new URL(request.url), await signedInUser(), context(request));
  } catch (error) {
    return unexpectedFailurePage(error);
  }
}

/** The consent screen posts its decision here. */
export async function POST(request: Request): Promise<Response> {
  try {
    return await handleConsentDecision(request, await signedInUser(), context(request));
  } catch (error) {
    return unexpectedFailurePage(error);
  }
}
