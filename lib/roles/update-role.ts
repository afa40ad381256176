import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";
import { roleDescriptionSchema } from "@/lib/roles/create-role";

export const updateRoleInput = z.object({ description: roleDescriptionSchema });

export type UpdateRoleInput = z.input<typeof updateRoleInput>;

/**
 * Edits a role's description. The name stays: audit events, external role mappings and people's mental model all
 * refer to it — a new name is a new role.
 */
export async function updateRole(roleName: string, input: UpdateRoleInput, ctx: AuditContext): Promise<void> {
  const parsed = updateRoleInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { description } = parsed.data;
  await changeTransaction(["policy"], async (tx) => {
    const role = await tx.role.findUnique({ where: { name: roleName } });
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    if (role.description === description) return;
    await tx.role.update({ where: { id: role.id }, data: { description } });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `role ${roleName} description changed`,
        detail: { change: "role_updated", role: roleName, before: { description: role.description }, after: { description } },
      },
    ]);
  });
}
