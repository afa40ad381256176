import type { Db } from "@/lib/db/client";
import type { RoleMappingView } from "@/lib/workos/add-role-mapping";

/** Every WorkOS → local role mapping, grouped by external kind and name. */
export async function listRoleMappings(database: Db): Promise<RoleMappingView[]> {
  const rows = await database.roleMapping.findMany({
    include: { role: { select: { name: true } } },
    orderBy: [{ externalKind: "asc" }, { externalName: "asc" }, { createdAt: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    externalKind: r.externalKind as RoleMappingView["externalKind"],
    externalName: r.externalName,
    role: r.role.name,
    createdAt: r.createdAt,
  }));
}
