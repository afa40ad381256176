import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { revokeGrant, type GrantRevocation } from "@/lib/grants/revoke-grant";

/**
 * A user revokes one of their own grants (the `grants:own` scope: a developer ending a client's access to their
 * account). Someone else's grant answers exactly as a missing one, so grant ids of other people cannot be probed.
 */
export async function revokeOwnGrant(grantId: string, ownerId: string, ctx: AuditContext): Promise<GrantRevocation> {
  const grant = await db().grant.findUnique({ where: { id: grantId }, select: { userId: true } });
  // A grant's owner never changes, so this check holds for the revocation below.
  if (!grant || grant.userId !== ownerId) throw new AppError("not_found", "You have no grant with this id.");
  return revokeGrant(grantId, ctx, "revoked by its owner");
}
