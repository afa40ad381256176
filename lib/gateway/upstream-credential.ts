import { env } from "@/lib/env";
import { unsealCredential } from "@/lib/gateway/seal-credential";
import { UpstreamFailure, type UpstreamTarget } from "@/lib/gateway/upstream-target";
import { processState } from "@/lib/process-state";

interface CachedToken {
  version: number;
  accessToken: string;
  /** Milliseconds since the epoch after which the token is fetched again (shortly before it expires). */
  refreshAt: number;
}

const tokens = processState("gateway-upstream-tokens", () => new Map<string, CachedToken>());
// A static header's value, unsealed once per sealed value (a replaced header is sealed anew, so it never matches an old
// entry): unsealing (HKDF and AES-GCM through jose) on every forwarded call was work repeated per call for one answer.
const headers = processState("gateway-upstream-headers", () => new Map<string, { sealed: string; value: string }>());

// Fetched again this long before the upstream's token expires, so a call never carries one that expires in flight.
const REFRESH_MARGIN_MS = 30_000;

/**
 * The header that carries Portcullis's own credential for an upstream — never the caller's token (MCP authorization,
 * token passthrough is forbidden). `header`: the sealed static header. `client_credentials`: an access token from the
 * upstream's own authorization server (RFC 6749 §4.4), cached until shortly before it expires; `fresh` fetches a new
 * one (after the upstream answered 401).
 */
export async function upstreamCredential(target: UpstreamTarget, options: { fresh?: boolean } = {}): Promise<Record<string, string>> {
  if (target.authKind === "header" && target.headerName && target.headerValueSealed) {
    const cached = headers.get(target.name);
    if (cached?.sealed === target.headerValueSealed) return { [target.headerName]: cached.value };
    const value = await unsealCredential(target.headerValueSealed);
    headers.set(target.name, { sealed: target.headerValueSealed, value });
    return { [target.headerName]: value };
  }
  if (target.authKind === "client_credentials") return { Authorization: `Bearer ${await clientCredentialsToken(target, options.fresh ?? false)}` };
  return {};
}

async function clientCredentialsToken(target: UpstreamTarget, fresh: boolean): Promise<string> {
  const version = target.updatedAt.getTime();
  const cached = tokens.get(target.name);
  if (!fresh && cached && cached.version === version && Date.now() < cached.refreshAt) return cached.accessToken;
  const secret = await unsealCredential(target.clientSecretSealed!);
  const form = new URLSearchParams({ grant_type: "client_credentials" });
  if (target.oauthScope) form.set("scope", target.oauthScope);
  if (target.oauthResource) form.set("resource", target.oauthResource);
  // RFC 6749 §2.3.1: client_secret_basic, each part form-urlencoded first.
  const basic = Buffer.from(`${encodeURIComponent(target.oauthClientId!)}:${encodeURIComponent(secret)}`).toString("base64");
  let response: Response;
  try {
    response = await fetch(target.tokenUrl!, {
      method: "POST",
      redirect: "manual",
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(env().gateway.timeoutMs),
    });
  } catch (error) {
    throw new UpstreamFailure("unreachable", `the token endpoint of ${target.name} could not be reached (${(error as Error).message})`);
  }
  const body = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown; error?: unknown } | null;
  if (!response.ok || typeof body?.access_token !== "string") {
    const why = typeof body?.error === "string" ? body.error.slice(0, 100) : `HTTP ${response.status}`;
    throw new UpstreamFailure("unauthorized", `the token endpoint of ${target.name} refused Portcullis's client credentials (${why})`);
  }
  const lifetimeMs = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 300) * 1000;
  tokens.set(target.name, {
    version,
    accessToken: body.access_token,
    refreshAt: Date.now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2),
  });
  return body.access_token;
}

/** Forgets a server's cached token and header (removed or changed). */
export function forgetUpstreamToken(name: string): void {
  tokens.delete(name);
  headers.delete(name);
}
