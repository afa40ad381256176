import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleMapping } from "@/lib/privilege/privilege-rules";
import { describeExternal, type ExternalKind } from "@/lib/workos/role-mapping-input";

/** Removes a mapping (by id), within the same privilege rules as adding it. Callers lose the mapped role on their next call. */
export async function removeRoleMapping(id: string, ctx: AuditContext): Promise<void> {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such role mapping");
  await privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const mapping = await tx.roleMapping.findUnique({ where: { id }, include: { role: { select: { name: true } } } });
    if (!mapping) throw new AppError("not_found", "No such role mapping");
    checkRoleMapping(view, actor, mapping.roleId);
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
