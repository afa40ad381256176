import { serverOfResource } from "@/lib/gateway/resolve-protected-resource";
import { describeScopes } from "@/lib/oauth/authorize/describe-scopes";
import { grantableScopes } from "@/lib/oauth/authorize/grantable-scopes";
import { findDeviceRequest } from "@/lib/oauth/device/find-device-request";
import { formatUserCode } from "@/lib/oauth/device/user-code";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

export interface DeviceScreen {
  userCode: string;
  clientName: string;
  clientId: string;
  identity: { kind: "registered" } | { kind: "metadata_document"; host: string };
  /** A device request of a client that is not (or no longer) active cannot be approved. */
  clientStatus: string;
  scopes: Array<{ name: string; description: string }>;
  unavailable: Array<{ name: string; why: "user_lacks" | "client_not_allowed" }>;
  /** The upstream MCP server the token will be for (`/mcp/<name>`), or null for Portcullis's own `/mcp`. */
  server: string | null;
}

/** What the device page shows for a code the signed-in user entered; null when the code names nothing pending. */
export async function prepareDeviceScreen(input: string, userId: string): Promise<DeviceScreen | null> {
  const request = await findDeviceRequest(input, userId);
  if (!request) return null;
  const { client } = request;
  const { grantable, unavailable } = grantableScopes(await policySnapshot(), userId, client.allowedScopes, request.scopes);
  const descriptions = await describeScopes(grantable);
  return {
    userCode: formatUserCode(request.userCode),
    clientName: client.name,
    clientId: client.id,
    identity: client.source === "cimd" ? { kind: "metadata_document", host: new URL(client.id).host } : { kind: "registered" },
    clientStatus: client.status,
    scopes: grantable.map((name) => ({ name, description: descriptions.get(name) ?? name })),
    unavailable: unavailable.map((u) => ({ name: u.scope, why: u.why })),
    server: serverOfResource(request.resource),
  };
}
