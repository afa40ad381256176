import { env } from "@/lib/env";
import type { PolicySnapshot } from "@/lib/policy/types";
import { resourceAuthorizationServers } from "@/lib/workos/resource-authorization-servers";

/** RFC 9728 §2: what a client needs to find our authorization server and the scopes this resource understands. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ["header"];
  resource_name: string;
}

/**
 * RFC 9728 §3.1: the metadata URL inserts the well-known segment between the host and the resource's path, so the
 * resource `https://host/mcp` is described at `https://host/.well-known/oauth-protected-resource/mcp`.
 */
export function resourceMetadataUrl(): string {
  const resource = new URL(env().mcpResource);
  return `${resource.origin}/.well-known/oauth-protected-resource${resource.pathname.replace(/\/$/, "")}`;
}

/**
 * The scopes tools require under the current policy: what a client should ask for to use this resource. Never
 * `offline_access`, even if an admin made a tool require it: MCP 2026-07-28 (refresh tokens) — a protected resource
 * does not advertise it, in `scopes_supported` or in a challenge, since refresh tokens are not a resource requirement.
 */
export function resourceScopes(snapshot: PolicySnapshot): string[] {
  // Only the built-in tools: an upstream's tools are another resource's (/mcp/<name>, lib/gateway).
  return [...new Set([...snapshot.tools.values()].filter((t) => !t.serverName).map((t) => t.requiredScope))].filter((scope) => scope !== "offline_access").sort();
}

export function protectedResourceMetadata(snapshot: PolicySnapshot): ProtectedResourceMetadata {
  return {
    resource: env().mcpResource,
    authorization_servers: resourceAuthorizationServers(),
    scopes_supported: resourceScopes(snapshot),
    bearer_methods_supported: ["header"],
    resource_name: "Portcullis",
  };
}
