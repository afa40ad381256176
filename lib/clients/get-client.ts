import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { ClientSummary } from "@/lib/clients/list-clients";

export interface ClientDetail extends ClientSummary {
  responseTypes: string[];
  requestedScopes: string[];
  statusReason: string | null;
  statusChangedAt: Date | null;
  statusChangedBy: string | null;
  clientUri: string | null;
  softwareId: string | null;
  softwareVersion: string | null;
  serviceUser: { id: string; email: string } | null;
  metadata: unknown;
  metadataFetchedAt: Date | null;
  metadataExpiresAt: Date | null;
  hasSecret: boolean;
  liveGrants: number;
}

/** One client with what a reviewer needs to judge it. Never the secret hash. */
export async function getClient(clientId: string): Promise<ClientDetail> {
  const client = await db().client.findUnique({
    where: { id: clientId },
    include: { serviceUser: { select: { id: true, email: true } }, _count: { select: { grants: { where: { revokedAt: null } } } } },
  });
  if (!client) throw new AppError("not_found", `No client ${clientId}.`);
  const { secretHash, _count, serviceUserId: _serviceUserId, updatedAt: _updatedAt, logoUri: _logoUri, ...rest } = client;
  return { ...rest, hasSecret: secretHash !== null, liveGrants: _count.grants };
}
