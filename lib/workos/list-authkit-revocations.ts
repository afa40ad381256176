import type { Db } from "@/lib/db/client";
import type { RevocationView } from "@/lib/workos/revoke-authkit-access";
import type { RevocationKind } from "@/lib/workos/revocation-kinds";

/** The AuthKit deny-list, newest first. */
export async function listAuthkitRevocations(database: Db, limit = 500): Promise<RevocationView[]> {
  const rows = await database.revocation.findMany({
    where: { kind: { in: ["token", "client", "user"] } },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return rows.map((r) => ({ id: r.id, kind: r.kind as RevocationKind, value: r.value, reason: r.reason, createdBy: r.createdBy, createdAt: r.createdAt }));
}
