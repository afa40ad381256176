/**
 * Endpoints that browser-based MCP clients on other origins call by design (CORS), and /mcp, which applies its own
 * Origin policy (MCP transports §2.0.1) and answers in JSON-RPC.
 */
const CROSS_ORIGIN_ENDPOINTS = new Set(["/oauth/token", "/oauth/register", "/oauth/revoke", "/oauth/introspect", "/oauth/device_authorization", "/mcp"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a state-changing request must be refused as cross-site (CSRF), or null. Everything else a browser can POST —
 * console server actions, sign-in and sign-out, the consent form — must come from this deployment's own origin:
 * Next.js's own check compares Origin with Host or X-Forwarded-Host (which the sender controls) and answers a mismatch
 * with a 500; this one compares it with the configured public origin and refuses with a 403 before any of that runs.
 * A request without Origin (a non-browser client) passes unless the browser's Sec-Fetch-Site says it is cross-site.
 */
export function crossSiteRefusal(
  method: string | undefined,
  path: string,
  headers: { origin?: string | string[]; "sec-fetch-site"?: string | string[] },
  publicOrigin: string,
): string | null {
  if (SAFE_METHODS.has((method ?? "GET").toUpperCase())) return null;
  if (CROSS_ORIGIN_ENDPOINTS.has(path)) return null;
  const origin = headers.origin;
  if (origin !== undefined) {
    if (origin === publicOrigin) return null;
    const shown = String(origin).slice(0, 200);
    return `a ${method} from origin ${shown} is not accepted here`;
  }
  const site = headers["sec-fetch-site"];
  if (site === "cross-site" || site === "same-site") return `a ${site} ${method} without Origin is not accepted here`;
  return null;
}

export const CROSS_SITE_ERROR = "cross_site_request";
