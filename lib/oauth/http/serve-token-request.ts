import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";
import { logger } from "@/lib/logger";
import { ENDPOINT_PATHS } from "@/lib/oauth/constants";
import { answerTokenRequest } from "@/lib/oauth/token-endpoint/answer-token-request";

/** Every header of a Node request as web Headers (repeated ones in order, as the Fetch standard combines them). */
function webHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const name in incoming) {
    const value = incoming[name];
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/**
 * POST /oauth/token straight from the Portcullis server, without the Next.js request pipeline and without converting
 * the response to a web Response: token issuance is the authorization server's hot path (an agent fleet on
 * client_credentials). The answer is answerTokenRequest's, as for the Next.js route; the security headers are the ones
 * next.config.ts gives everything else. `from` is what the server resolved about the request (address, request id).
 * Returns false, having done nothing, for every other request.
 */
export function serveTokenRequest(req: IncomingMessage, res: ServerResponse, from: { ip: string | null; requestId: string | null }): boolean {
  if (req.method !== "POST" || req.url?.split("?")[0] !== ENDPOINT_PATHS.token) return false;
  const reply = async () => {
    const answer = await answerTokenRequest({
      method: req.method!,
      headers: webHeaders(req.headers),
      // Leaving the loop early (a body over the limit) must not destroy the socket: the refusal still goes out on it.
      body: req.iterator({ destroyOnReturn: false }),
      ip: from.ip,
      requestId: from.requestId,
    });
    // What is left of a refused body is read and dropped, so the connection can serve its next request.
    if (!req.complete) req.resume();
    res.writeHead(answer.status, { ...SECURITY_HEADERS, ...answer.headers, "Content-Length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };
  reply().catch((error) => {
    // Only the socket can fail here (answerTokenRequest answers every error): the client is gone or the headers are.
    logger.warn("token response not sent", { requestId: from.requestId, error, code: (error as { code?: unknown })?.code });
    res.destroy();
  });
  return true;
}
