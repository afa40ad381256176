import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { defineTool } from "@/lib/mcp/tools/define-tool";

export default defineTool({
  name: "get_client",
  title: "Inspect an MCP client",
  description:
    "Shows one MCP client in full: status and who changed it last and why, registration source, IP and time, redirect " +
    "URIs, grant types, requested and allowed scopes, and how many active grants it holds.",
  requiredScope: "clients:read",
  input: z.object({ client_id: z.string().min(1).max(2048).describe("The client's client_id") }).strict(),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run({ client_id }) {
    const database = db();
    const client = await database.client.findUnique({ where: { id: client_id } });
    if (!client) throw new AppError("not_found", `No client has client_id ${client_id}`);
    const activeGrants = await database.grant.count({ where: { clientId: client.id, revokedAt: null } });
    return {
      client_id: client.id,
      name: client.name,
      status: client.status,
      status_reason: client.statusReason,
      status_changed_at: client.statusChangedAt?.toISOString() ?? null,
      status_changed_by: client.statusChangedBy,
      source: client.source,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      requested_scopes: client.requestedScopes,
      allowed_scopes: client.allowedScopes,
      client_uri: client.clientUri,
      software_id: client.softwareId,
      software_version: client.softwareVersion,
      registration_ip: client.registrationIp,
      registered_at: client.createdAt.toISOString(),
      last_used_at: client.lastUsedAt?.toISOString() ?? null,
      active_grants: activeGrants,
    };
  },
});
