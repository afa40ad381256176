import { clientIp, requestId } from "@/lib/http/client-address";
import { answerTokenRequest } from "@/lib/oauth/token-endpoint/answer-token-request";

/** POST /oauth/token as a web Request (the Next.js route, `next dev`, tests): the same answer as the fast path. */
export async function handleTokenRequest(request: Request): Promise<Response> {
  const answer = await answerTokenRequest({
    method: request.method,
    headers: request.headers,
    body: request.body,
    ip: clientIp(request.headers),
    requestId: requestId(request.headers),
  });
  return new Response(answer.body, answer);
}
