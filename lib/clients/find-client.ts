import type { AuditContext } from "@/lib/audit";
import { topicVersion } from "@/lib/changes/change-versions";
import { isClientIdUrl } from "@/lib/clients/fetch-client-metadata-document";
import { resolveMetadataDocumentClient } from "@/lib/clients/resolve-metadata-document-client";
import { db } from "@/lib/db/client";
import type { Client } from "@/lib/db/generated/client";
import { processState } from "@/lib/process-state";

export type { Client };

/**
 * Registered clients as last read, per `policy` version: every change to a client (registration, approval,
 * suspension, allow-list) commits with a `policy` epoch bump, so the token endpoint's hot path reads no database and
 * a suspension applies here on the next request (within a second when made by another process).
 */
const cache = processState("client-cache", () => ({ version: -1, clients: new Map<string, Client>() }));

/**
 * The client named by a client_id: a registered one by id, or — for a URL — the client its metadata document
 * describes (fetched when not cached). Null when no such client exists. Metadata-document failures throw
 * ClientMetadataDocumentError.
 */
export async function findClient(clientId: string, ctx: AuditContext): Promise<Client | null> {
  if (clientId.length > 2000) return null;
  if (isClientIdUrl(clientId)) return resolveMetadataDocumentClient(clientId, ctx);
  const version = topicVersion("policy");
  if (cache.version !== version) {
    cache.version = version;
    cache.clients.clear();
  }
  const hit = cache.clients.get(clientId);
  // Only active clients are served from memory. Anything else is read again, so an approval made by the CLI or
  // another instance counts at once; a suspension made elsewhere arrives with its `policy` change (within a second).
  if (hit?.status === "active") return hit;
  const client = await db().client.findUnique({ where: { id: clientId } });
  // Unknown ids are not remembered: a client registered on another instance a moment ago must be found.
  if (client && topicVersion("policy") === version) {
    if (cache.clients.size >= 10_000) cache.clients.clear();
    cache.clients.set(clientId, client);
  }
  return client;
}
