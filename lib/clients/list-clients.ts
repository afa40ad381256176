import { db } from "@/lib/db/client";

export type ClientStatus = "pending" | "active" | "suspended" | "rejected";

export interface ClientSummary {
  id: string;
  name: string;
  status: ClientStatus;
  source: "dcr" | "cimd" | "manual" | "authkit";
  tokenEndpointAuthMethod: string;
  redirectUris: string[];
  grantTypes: string[];
  allowedScopes: string[];
  registrationIp: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The columns of a ClientSummary. */
export const CLIENT_SUMMARY_SELECT = {
  id: true,
  name: true,
  status: true,
  source: true,
  tokenEndpointAuthMethod: true,
  redirectUris: true,
  grantTypes: true,
  allowedScopes: true,
  registrationIp: true,
  createdAt: true,
  lastUsedAt: true,
} as const;

/** Clients, newest first, optionally of one status. */
export async function listClients(filter: { status?: ClientStatus; limit?: number } = {}): Promise<ClientSummary[]> {
  const rows = await db().client.findMany({
    where: filter.status ? { status: filter.status } : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(filter.limit ?? 200, 1000),
    select: CLIENT_SUMMARY_SELECT,
  });
  return rows;
}
