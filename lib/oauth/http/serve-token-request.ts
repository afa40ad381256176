import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from "@/lib/http/client-address";
import { NO_STORE_HEADERS, oauthErrorResponse, RequestTooLarge } from "@/lib/oauth/errors";
import { CORS_HEADERS, withCors } from "@/lib/oauth/http/cors";
import { checkFormMediaType, MAX_FORM_BYTES, parseFormBody } from "@/lib/oauth/http/read-body";
import { issueTokens } from "@/lib/oauth/token-endpoint/handle-token-request";
import { tokenResponseBody } from "@/lib/oauth/token-endpoint/token-response";

// The same response headers next.config.ts gives every response.
const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

const SUCCESS_HEADERS: Record<string, string> = {
  ...SECURITY_HEADERS,
  ...CORS_HEADERS,
  ...NO_STORE_HEADERS,
  "Content-Type": "application/json; charset=utf-8",
};

// What the token endpoint reads of the request's headers: client authentication, the body's type, and what the
// Portcullis server itself set (the client address and request id, for the audit event).
const HEADERS_READ = ["authorization", "content-type", CLIENT_IP_HEADER, REQUEST_ID_HEADER] as const;

/** The body, at most MAX_FORM_BYTES (a declared or an actual excess is refused without buffering it). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "NaN");
  if (Number.isFinite(declared) && declared > MAX_FORM_BYTES) {
    return Promise.reject(new RequestTooLarge(`The request body is larger than ${MAX_FORM_BYTES} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        req.off("data", onData).off("end", onEnd).resume();
        reject(new RequestTooLarge(`The request body is larger than ${MAX_FORM_BYTES} bytes.`));
      } else chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    req.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

async function answer(res: ServerResponse, response: Response): Promise<void> {
  const out: Record<string, string> = { ...SECURITY_HEADERS };
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  out["content-length"] = String(body.length);
  res.writeHead(response.status, out);
  res.end(body);
}

/**
 * POST /oauth/token straight from the Portcullis server, without the Next.js request pipeline and without converting
 * the request and the response to web-standard objects: token issuance is the authorization server's hot path (an
 * agent fleet on client_credentials). The same checks and the same function as the Next.js route
 * (app/oauth/token/route.ts), which serves `next dev` and any other host. Returns false for every other request.
 */
export async function serveTokenRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== "POST" || req.url?.split("?")[0] !== "/oauth/token") return false;
  const headers = new Headers();
  for (const name of HEADERS_READ) {
    const value = req.headers[name];
    if (typeof value === "string") headers.set(name, value);
  }
  try {
    const contentType = headers.get("content-type");
    checkFormMediaType(contentType);
    const form = parseFormBody(contentType, await readBody(req));
    const body = Buffer.from(JSON.stringify(tokenResponseBody(await issueTokens(headers, form))));
    res.writeHead(200, { ...SUCCESS_HEADERS, "Content-Length": String(body.length) });
    res.end(body);
  } catch (error) {
    await answer(res, withCors(oauthErrorResponse(error)));
  }
  return true;
}
