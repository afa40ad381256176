import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";

export interface NewGrant {
  id?: string;
  userId: string;
  clientId: string;
  scopes: string[];
  resource: string;
  grantType: string;
}

/** Records an authorization: the unit every access and refresh token belongs to, and the unit revocation acts on. */
export async function createGrant(tx: Tx, grant: NewGrant): Promise<string> {
  const id = grant.id ?? randomUUID();
  await tx.grant.create({
    data: { id, userId: grant.userId, clientId: grant.clientId, scopes: grant.scopes, resource: grant.resource, grantType: grant.grantType, lastUsedAt: new Date() },
  });
  return id;
}
