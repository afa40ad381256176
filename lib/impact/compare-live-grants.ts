import type { Db } from "@/lib/db/client";
import { allowedTools } from "@/lib/policy/decide";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import type { PolicySnapshot } from "@/lib/policy/types";

export interface GrantLoss {
  grantId: string;
  userId: string;
  clientId: string;
  /** Scopes of the grant usable now (the user holds them through a role, the client is active and allowed them) and not after. */
  scopesLost: string[];
  /** Tools a token of this grant sees in tools/list now and would not after the change. */
  toolsLost: string[];
  /** …and tools it would newly see. */
  toolsGained: string[];
}

/**
 * The live (unrevoked) grants the change touches: which scopes they would stop being able to use, and how the
 * tools/list of their tokens would change — decided with the same `allowedTools` that /mcp answers tools/list with.
 */
export async function compareLiveGrants(database: Db, current: PolicySnapshot, proposed: PolicySnapshot): Promise<GrantLoss[]> {
  const losses: GrantLoss[] = [];
  let cursor: string | undefined;
  for (;;) {
    const grants = await database.grant.findMany({
      where: { revokedAt: null },
      select: { id: true, userId: true, clientId: true, scopes: true },
      orderBy: { id: "asc" },
      take: 1000,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (grants.length === 0) break;
    cursor = grants[grants.length - 1].id;
    for (const grant of grants) {
      const request = { userId: grant.userId, clientId: grant.clientId, tokenScopes: grant.scopes };
      const before = usableScopes(current, grant);
      const after = usableScopes(proposed, grant);
      const toolsBefore = allowedTools(current, request).sort();
      const toolsAfter = allowedTools(proposed, request).sort();
      const loss: GrantLoss = {
        grantId: grant.id,
        userId: grant.userId,
        clientId: grant.clientId,
        scopesLost: before.filter((s) => !after.includes(s)),
        toolsLost: toolsBefore.filter((t) => !toolsAfter.includes(t)),
        toolsGained: toolsAfter.filter((t) => !toolsBefore.includes(t)),
      };
      if (loss.scopesLost.length + loss.toolsLost.length + loss.toolsGained.length > 0) losses.push(loss);
    }
    if (grants.length < 1000) break;
  }
  return losses;
}

function usableScopes(snapshot: PolicySnapshot, grant: { userId: string; clientId: string; scopes: string[] }): string[] {
  const client = snapshot.clients.get(grant.clientId);
  if (!client || client.status !== "active") return [];
  const held = userEffectiveScopes(snapshot, grant.userId);
  return grant.scopes.filter((s) => held.has(s) && client.allowedScopes.includes(s)).sort();
}
