import type { AuditContext } from "@/lib/audit";
import { isClientIdUrl } from "@/lib/clients/fetch-client-metadata-document";
import { resolveMetadataDocumentClient } from "@/lib/clients/resolve-metadata-document-client";
import { db } from "@/lib/db/client";
import type { Client } from "@/lib/db/generated/client";

export type { Client };

/**
 * The client named by a client_id: a registered one by id, or — for a URL — the client its metadata document
 * describes (fetched when not cached). Null when no such client exists. Metadata-document failures throw
 * ClientMetadataDocumentError.
 */
export async function findClient(clientId: string, ctx: AuditContext): Promise<Client | null> {
  if (clientId.length > 2000) return null;
  if (isClientIdUrl(clientId)) return resolveMetadataDocumentClient(clientId, ctx);
  return db().client.findUnique({ where: { id: clientId } });
}
