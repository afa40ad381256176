import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleChange } from "@/lib/privilege/privilege-rules";

/**
 * Removes the condition on a role's permission to use a tool: the role's permission is unconditional again from the
 * next call. Widening access, so within the same privilege rules as setting one.
 */
export async function clearToolCondition(roleName: string, toolName: string, ctx: AuditContext): Promise<{ cleared: boolean; previous: string | null }> {
  return privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const role = await tx.role.findUnique({ where: { name: roleName.trim() }, select: { id: true, name: true } });
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    const tool = await tx.tool.findUnique({ where: { name: toolName.trim() }, select: { name: true, requiredScope: true } });
    if (!tool) throw new AppError("not_found", `Tool ${toolName} does not exist`);
    const existing = await tx.toolCondition.findUnique({ where: { roleId_toolName: { roleId: role.id, toolName: tool.name } } });
    if (!existing) return { cleared: false, previous: null };
    checkRoleChange(view, actor, role.id, { scopes: [tool.requiredScope] });
    await tx.toolCondition.delete({ where: { roleId_toolName: { roleId: role.id, toolName: tool.name } } });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        tool: tool.name,
        scopes: [tool.requiredScope],
        reason: `role ${role.name} may use tool ${tool.name} without a condition (was ${existing.expression})`,
        detail: { change: "tool_condition_cleared", role: role.name, tool: tool.name, before: existing.expression, after: null },
      },
    ]);
    return { cleared: true, previous: existing.expression };
  });
}
