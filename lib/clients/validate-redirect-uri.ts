import type { RegistrationPolicy } from "@/lib/settings/registration-policy";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
export const MAX_REDIRECT_URI_LENGTH = 2000;

export function isLoopbackRedirect(url: URL): boolean {
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
}

function hostMatches(host: string, listed: string): boolean {
  return host === listed || host.endsWith(`.${listed}`);
}

/**
 * Why a redirect URI may not be registered, or null when it may. OAuth 2.1 §2.3.1 / RFC 8252 §7.3 / MCP security:
 * https, or http on a loopback host for native clients; an absolute URI without fragment (RFC 6749 §3.1.2) and without
 * userinfo (a `https://trusted@evil` URI misleads whoever reads it); every other scheme (javascript:, data:, file:,
 * custom schemes) refused. The string is kept exactly as registered and compared exactly at authorization.
 */
export function redirectUriProblem(value: string, policy: RegistrationPolicy["redirectUris"]): string | null {
  if (value.length > MAX_REDIRECT_URI_LENGTH) return `is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  if (/[\s\u0000-\u001f\u007f\\]/.test(value)) return "contains whitespace, control characters or backslashes";
  if (value.includes("#")) return "must not contain a fragment";
  if (!URL.canParse(value)) return "is not an absolute URI";
  const url = new URL(value);
  if (url.username || url.password) return "must not contain userinfo";
  if (url.hostname.includes("*")) return "must not contain wildcards";
  if (url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return "must use https (http is allowed only on a loopback host)";
    if (!policy.allowLoopback) return "uses a loopback host, which the registration policy does not allow";
    return null;
  }
  if (url.protocol !== "https:") return `uses the ${url.protocol.replace(/:$/, "")} scheme; only https (or http on loopback) is allowed`;
  if (!url.hostname) return "has no host";
  const host = url.hostname.toLowerCase();
  if (policy.deniedHosts.some((d) => hostMatches(host, d))) return `is on ${host}, which the registration policy denies`;
  if (policy.allowedHosts.length > 0 && !policy.allowedHosts.some((a) => hostMatches(host, a))) {
    return `is on ${host}, which is not among the registration policy's allowed hosts`;
  }
  return null;
}
