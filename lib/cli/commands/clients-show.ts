import { z } from "zod";
import { defineCommand } from "@/lib/cli/command";
import { getClient } from "@/lib/clients/get-client";

export default defineCommand({
  name: "clients show",
  summary: "Show one client: status, redirect URIs, grant types, requested and allowed scopes",
  positionals: "<client-id>",
  options: {},
  schema: z.object({ _: z.tuple([z.string({ error: "give the client id" })], { error: "give exactly one client id" }) }),
  async run(options, io) {
    const client = await getClient(options._[0]);
    if (io.json) {
      io.out(JSON.stringify(client));
      return 0;
    }
    const line = (label: string, value: string) => io.out(`${label.padEnd(18)} ${value}`);
    line("Client ID", client.id);
    line("Name", client.name);
    line("Status", `${client.status}${client.statusReason ? ` (${client.statusReason}, by ${client.statusChangedBy ?? "?"} at ${client.statusChangedAt?.toISOString() ?? "?"})` : ""}`);
    line("Source", client.source);
    line("Authentication", `${client.tokenEndpointAuthMethod}${client.hasSecret ? " (secret stored hashed)" : ""}`);
    line("Redirect URIs", client.redirectUris.join(" ") || "-");
    line("Grant types", client.grantTypes.join(" ") || "-");
    line("Requested scopes", client.requestedScopes.join(" ") || "-");
    line("Allowed scopes", client.allowedScopes.join(" ") || "-");
    line("Service identity", client.serviceUser?.email ?? "-");
    line("Software", [client.softwareId, client.softwareVersion].filter(Boolean).join(" ") || "-");
    line("Registered", `${client.createdAt.toISOString()} from ${client.registrationIp ?? "unknown address"}`);
    line("Last used", client.lastUsedAt?.toISOString() ?? "never");
    line("Live grants", String(client.liveGrants));
    if (client.metadataFetchedAt) line("Metadata fetched", `${client.metadataFetchedAt.toISOString()} (fresh until ${client.metadataExpiresAt?.toISOString() ?? "?"})`);
    return 0;
  },
});
