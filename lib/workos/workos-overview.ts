import { env } from "@/lib/env";
import { resourceAuthorizationServers } from "@/lib/workos/resource-authorization-servers";

export interface WorkosOverview {
  issuerMode: "builtin" | "authkit" | "bridge";
  authorizationServers: string[];
  resource: string;
  jwksUrl: string | null;
  scopeMode: "token" | "policy";
  allowClientAudience: boolean;
  loginUri: string | null;
  consoleSignIn: boolean;
  consoleRedirectUri: string;
  apiKeyConfigured: boolean;
}

/** What the console shows of the WorkOS configuration (never the API key itself). */
export function workosOverview(): WorkosOverview {
  const config = env();
  return {
    issuerMode: config.issuerMode,
    authorizationServers: resourceAuthorizationServers(),
    resource: config.mcpResource,
    jwksUrl: config.issuerMode === "builtin" ? null : (config.workos.authkitJwksUrl ?? null),
    scopeMode: config.workos.scopeMode,
    allowClientAudience: config.workos.allowClientAudience,
    loginUri: config.issuerMode === "bridge" ? `${config.issuer}/authkit/login` : null,
    consoleSignIn: config.workos.consoleSignIn,
    consoleRedirectUri: config.workos.consoleRedirectUri,
    apiKeyConfigured: Boolean(config.workos.apiKey),
  };
}
