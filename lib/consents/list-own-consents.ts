import { db } from "@/lib/db/client";

export interface RememberedConsent {
  clientId: string;
  clientName: string;
  scopes: string[];
  /** Where codes go when this consent answers an authorization without asking; null for consents from before that was kept. */
  redirectUri: string | null;
  updatedAt: Date;
}

/** What a user told clients "yes, and don't ask again" for: the consents that let an authorization skip the screen. */
export async function listOwnConsents(userId: string): Promise<RememberedConsent[]> {
  const rows = await db().consent.findMany({
    where: { userId },
    orderBy: { updatedAt: "desc" },
    take: 200,
    select: { clientId: true, scopes: true, redirectUri: true, updatedAt: true, client: { select: { name: true } } },
  });
  return rows.map(({ client, ...r }) => ({ ...r, clientName: client.name }));
}
