import { serverResource } from "@/lib/gateway/gateway-registry";

/** RFC 9728 §3.1: `/.well-known/oauth-protected-resource` inserted before the resource's path. */
export function gatewayResourceMetadataUrl(name: string): string {
  const resource = new URL(serverResource(name));
  return `${resource.origin}/.well-known/oauth-protected-resource${resource.pathname}`;
}
