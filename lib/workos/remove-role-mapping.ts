import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { describeExternal, type ExternalKind } from "@/lib/workos/role-mapping-input";

/** Removes a mapping (by id). Callers lose the mapped role on their next call. */
export async function removeRoleMapping(id: string, ctx: AuditContext): Promise<void> {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such role mapping");
  await changeTransaction(["policy"], async (tx) => {
    const mapping = await tx.roleMapping.findUnique({ where: { id }, include: { role: { select: { name: true } } } });
    if (!mapping) throw new AppError("not_found", "No such role mapping");
    await tx.roleMapping.delete({ where: { id } });
    const external = describeExternal(mapping.externalKind as ExternalKind, mapping.externalName);
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `${external} no longer maps to role ${mapping.role.name}`,
        detail: {
          change: "role_mapping_removed",
          externalKind: mapping.externalKind,
          externalName: mapping.externalName,
          role: mapping.role.name,
        },
      },
    ]);
  });
}
