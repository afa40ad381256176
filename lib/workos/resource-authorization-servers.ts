import { env } from "@/lib/env";

/**
 * The `authorization_servers` to list in Protected Resource Metadata (RFC 9728 §2) for `<issuer>/mcp`: Portcullis
 * itself in `builtin` mode; AuthKit in `authkit` and `bridge` modes, where AuthKit runs OAuth and issues the tokens
 * (in bridge mode AuthKit sends users to Portcullis's Login URI, but clients still talk OAuth to AuthKit).
 */
export function resourceAuthorizationServers(): string[] {
  const config = env();
  if (config.issuerMode === "builtin") return [config.issuer];
  return [config.workos.authkitDomain!];
}
