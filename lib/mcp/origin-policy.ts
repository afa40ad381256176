import { env } from "@/lib/env";

/**
 * MCP transports §2.0.1 (security warning): servers MUST validate `Origin` to stop DNS-rebinding attacks from web
 * pages. Requests without an Origin (native clients, servers) pass; a browser's must be the console's own origin or
 * one listed in PORTCULLIS_ALLOWED_ORIGINS.
 */
export function originAllowed(origin: string | null): boolean {
  return origin === null || env().allowedOrigins.includes(origin);
}

const EXPOSED = "WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version";
// MCP 2026-07-28 adds the mirrored Mcp-Method / Mcp-Name headers; traceparent / tracestate carry trace context.
const ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Session-Id, Last-Event-ID, traceparent, tracestate";

/** CORS for browser-based MCP clients on an allowed origin: they must be able to read the challenge headers. */
export function withCors(response: Response, origin: string | null): Response {
  if (origin === null || !originAllowed(origin)) return response;
  response.headers.set("Access-Control-Allow-Origin", origin);
  response.headers.set("Access-Control-Expose-Headers", EXPOSED);
  response.headers.append("Vary", "Origin");
  return response;
}

export function preflightResponse(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      Allow: "POST, OPTIONS",
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers": ALLOWED_HEADERS,
      "Access-Control-Max-Age": "600",
    },
  });
}
