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
 * The body's chunks as they arrive, read through 'data' events: Readable's own async iterator costs several promises
 * and an end-of-stream watcher per request, which shows in the token endpoint's profile. Leaving the loop early (a
 * body over the limit) removes the listeners and pauses the request without destroying the socket, so the refusal
 * still goes out on it. A connection closed before the body ended fails the read.
 */
function bodyChunks(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const chunks: Buffer[] = [];
      let ended = false;
      let failed: Error | null = null;
      let wake: (() => void) | null = null;
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        wake?.();
      };
      const onEnd = () => {
        ended = true;
        wake?.();
      };
      const onError = (error: Error) => {
        failed ??= error;
        wake?.();
      };
      const onClose = () => {
        if (!ended) onError(new Error("the client closed the connection before the body ended"));
      };
      const stop = () => {
        req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
        if (!ended) req.pause();
      };
      req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
      const done = { value: undefined, done: true } as const;
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          while (chunks.length === 0 && !ended && !failed) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          if (chunks.length > 0) return { value: chunks.shift()!, done: false };
          stop();
          if (failed) throw failed;
          return done;
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          stop();
          return done;
        },
      };
    },
  };
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
      body: bodyChunks(req),
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
