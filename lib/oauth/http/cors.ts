/**
 * Browser-based MCP clients (the MCP Inspector, web agents) call discovery, registration, token, revocation and
 * device endpoints from another origin. These endpoints take no cookies — a request proves itself with its own
 * parameters and client credentials — so any origin may call them, without credentials. The consent and sign-in pages
 * are never CORS-enabled.
 */
export const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, MCP-Protocol-Version",
  "Access-Control-Expose-Headers": "WWW-Authenticate, Retry-After",
  "Access-Control-Max-Age": "600",
};

export function corsPreflight(methods: string): Response {
  return new Response(null, { status: 204, headers: { ...CORS_HEADERS, "Access-Control-Allow-Methods": methods } });
}

export function withCors(response: Response): Response {
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  return response;
}
