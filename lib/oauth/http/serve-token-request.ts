import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { withCors } from "@/lib/oauth/http/cors";
import { handleTokenRequest } from "@/lib/oauth/token/handle-token-request";

// The same response headers next.config.ts gives every response.
const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

/**
 * POST /oauth/token straight from the Portcullis server, without the Next.js request pipeline: token issuance is the
 * authorization server's hot path (an agent fleet on client_credentials), and the route's work is one web-standard
 * function either way. The Next.js route (app/oauth/token/route.ts) serves the same function for `next dev` and any
 * other host. Returns false for every other request.
 */
export async function serveTokenRequest(req: IncomingMessage, res: ServerResponse, origin: string): Promise<boolean> {
  if (req.method !== "POST" || req.url?.split("?")[0] !== "/oauth/token") return false;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const request = new Request(`${origin}${req.url}`, {
    method: "POST",
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  const response = withCors(await handleTokenRequest(request).catch(oauthErrorResponse));
  const out: Record<string, string> = { ...SECURITY_HEADERS };
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  out["content-length"] = String(body.length);
  res.writeHead(response.status, out);
  res.end(body);
  return true;
}
