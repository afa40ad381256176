import { logger } from "@/lib/logger";
import { isOAuthError, MethodNotAllowed, noStoreJsonAnswer, oauthErrorAnswer, type JsonAnswer } from "@/lib/oauth/errors";
import { CORS_HEADERS } from "@/lib/oauth/http/cors";
import type { EndpointRequest } from "@/lib/oauth/http/endpoint-request";
import { readForm } from "@/lib/oauth/http/read-body";
import { issueTokens } from "@/lib/oauth/token-endpoint/issue-tokens";
import { tokenResponseBody } from "@/lib/oauth/token-endpoint/token-response";

/**
 * POST /oauth/token (RFC 6749 §3.2), the one implementation: the Portcullis server's fast path
 * (lib/oauth/http/serve-token-request.ts) and the Next.js route (app/oauth/token/route.ts) both adapt to it, so every
 * check here holds on both. Never throws: every failure is answered in the protocol's terms (no-store, CORS) and
 * logged with its cause.
 */
export async function answerTokenRequest(request: EndpointRequest): Promise<JsonAnswer> {
  try {
    if (request.method !== "POST") throw new MethodNotAllowed("The token endpoint accepts POST only.", "POST, OPTIONS");
    const form = await readForm(request.headers, request.body);
    return noStoreJsonAnswer(tokenResponseBody(await issueTokens(request, form)), 200, CORS_HEADERS);
  } catch (error) {
    // Unexpected failures are logged by oauthErrorAnswer (with their class and code); refusals here, by error code.
    if (isOAuthError(error)) {
      logger.info("token request refused", { requestId: request.requestId, ip: request.ip, error: error.error, status: error.status, description: error.description });
    }
    return oauthErrorAnswer(error, CORS_HEADERS);
  }
}
