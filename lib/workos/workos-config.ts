import { z } from "zod";

/**
 * The WorkOS part of the configuration (DESIGN §4), validated by lib/env.ts alongside everything else. Kept here so the
 * rules for each issuer mode sit in one place; this file must not read the environment itself.
 */

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const workosEnvSchema = {
  PORTCULLIS_ISSUER_MODE: z.enum(["builtin", "authkit", "bridge"]).default("builtin"),
  WORKOS_API_KEY: z.string().refine((v) => v.startsWith("sk_"), "must be a WorkOS API key (it starts with sk_)").optional(),
  WORKOS_CLIENT_ID: z.string().refine((v) => v.startsWith("client_"), "must be a WorkOS client ID (it starts with client_)").optional(),
  WORKOS_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  WORKOS_AUTHKIT_DOMAIN: z.url({ protocol: /^https?$/ }).optional(),
  WORKOS_AUTHKIT_SCOPES: z.enum(["token", "policy"]).default("token"),
  WORKOS_AUTHKIT_ALLOW_CLIENT_AUDIENCE: booleanFlag.default(false),
  WORKOS_CONSOLE_SIGN_IN: booleanFlag.default(false),
  WORKOS_API_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
};

type Raw = z.output<z.ZodObject<typeof workosEnvSchema>>;

export type IssuerMode = Raw["PORTCULLIS_ISSUER_MODE"];

export interface WorkosConfig {
  apiKey?: string;
  clientId?: string;
  /** Where the WorkOS API answers (https://api.workos.com unless pointed elsewhere, e.g. at a test stand-in). */
  apiUrl: string;
  /** The AuthKit issuer, exactly as AuthKit writes `iss` (an origin, no trailing slash). */
  authkitDomain?: string;
  /** AuthKit publishes its token signing keys here. */
  authkitJwksUrl?: string;
  /** `token`: a call needs its scope in the token; `policy`: AuthKit tokens carry no Portcullis scopes, so roles ∩ the client's allow-list decide. */
  scopeMode: "token" | "policy";
  /** Also accept tokens whose `aud` is the client's own id (clients that do not send RFC 8707 `resource`). */
  allowClientAudience: boolean;
  consoleSignIn: boolean;
  /** Each WorkOS API call runs inside someone's request: give up after this long (and retry once). */
  apiTimeoutMs: number;
  /** Registered in the WorkOS dashboard as a redirect URI when console sign-in is on. */
  consoleRedirectUri: string;
}

const DEFAULT_API_URL = "https://api.workos.com";
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function insecure(url: URL, allowInsecure: boolean): boolean {
  return url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname) && !allowInsecure;
}

/** Problems with the WorkOS settings for the chosen issuer mode, one readable sentence each, naming the variables. */
export function workosConfigProblems(raw: Raw, allowInsecure: boolean): string[] {
  const problems: string[] = [];
  const mode = raw.PORTCULLIS_ISSUER_MODE;
  const need = (variable: keyof Raw, why: string) => {
    if (raw[variable] === undefined) problems.push(`${variable} is required ${why}`);
  };
  if (mode === "authkit") {
    need("WORKOS_AUTHKIT_DOMAIN", "with PORTCULLIS_ISSUER_MODE=authkit: your AuthKit domain, e.g. https://your-app.authkit.app (WorkOS dashboard → Domains)");
  }
  if (mode === "bridge") {
    need("WORKOS_AUTHKIT_DOMAIN", "with PORTCULLIS_ISSUER_MODE=bridge: AuthKit issues the tokens /mcp accepts (WorkOS dashboard → Domains)");
    need("WORKOS_API_KEY", "with PORTCULLIS_ISSUER_MODE=bridge: Portcullis completes each sign-in through the WorkOS API (WorkOS dashboard → API Keys)");
  }
  if (raw.WORKOS_CONSOLE_SIGN_IN) {
    need("WORKOS_API_KEY", "with WORKOS_CONSOLE_SIGN_IN=true: it authenticates the sign-in code exchange");
    need("WORKOS_CLIENT_ID", "with WORKOS_CONSOLE_SIGN_IN=true: it names your WorkOS application");
  }
  if (raw.WORKOS_AUTHKIT_DOMAIN !== undefined) {
    const domain = new URL(raw.WORKOS_AUTHKIT_DOMAIN);
    if (domain.pathname !== "/" || domain.search || domain.hash) {
      problems.push(`WORKOS_AUTHKIT_DOMAIN must be an origin only (https://your-app.authkit.app), not ${raw.WORKOS_AUTHKIT_DOMAIN}`);
    }
    if (insecure(domain, allowInsecure)) problems.push("WORKOS_AUTHKIT_DOMAIN must use https outside localhost");
  }
  if (raw.WORKOS_API_URL !== undefined && insecure(new URL(raw.WORKOS_API_URL), allowInsecure)) {
    problems.push("WORKOS_API_URL must use https outside localhost: the API key travels with every request");
  }
  return problems;
}

/** The validated WorkOS settings, normalised (call only when workosConfigProblems found none). */
export function workosConfig(raw: Raw, issuer: string): WorkosConfig {
  const authkitDomain = raw.WORKOS_AUTHKIT_DOMAIN ? new URL(raw.WORKOS_AUTHKIT_DOMAIN).origin : undefined;
  return {
    apiKey: raw.WORKOS_API_KEY,
    clientId: raw.WORKOS_CLIENT_ID,
    apiUrl: (raw.WORKOS_API_URL ?? DEFAULT_API_URL).replace(/\/$/, ""),
    authkitDomain,
    authkitJwksUrl: authkitDomain ? `${authkitDomain}/oauth2/jwks` : undefined,
    scopeMode: raw.WORKOS_AUTHKIT_SCOPES,
    allowClientAudience: raw.WORKOS_AUTHKIT_ALLOW_CLIENT_AUDIENCE,
    consoleSignIn: raw.WORKOS_CONSOLE_SIGN_IN,
    apiTimeoutMs: raw.WORKOS_API_TIMEOUT_MS,
    consoleRedirectUri: `${issuer}/auth/workos/callback`,
  };
}
