import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { compileCondition, MAX_CONDITION_LENGTH } from "@/lib/conditions/compile-condition";
import { toolInputSchema } from "@/lib/conditions/tool-input-schema";
import { AppError, describeIssues } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleChange } from "@/lib/privilege/privilege-rules";

const setToolConditionInput = z.object({
  role: z.string().trim().min(1, "name a role").max(100),
  tool: z.string().trim().min(1, "name a tool").max(128),
  // A bound on what is read at all; the compiler refuses anything over MAX_CONDITION_LENGTH with its position.
  expression: z.string().max(MAX_CONDITION_LENGTH * 10, `the condition is longer than ${MAX_CONDITION_LENGTH} characters`),
});

/**
 * Puts a CEL condition on a role's permission to use a tool (DESIGN §11), replacing any it had. The condition is
 * compiled and type-checked against the tool's input schema first: one that does not parse, names an unknown variable,
 * field or function, or does not return a boolean is refused with the line and column of the problem, and nothing is
 * saved. Within the privilege rules for changing a role (never a role you hold; only scopes you hold). Applies to the
 * next call everywhere the policy is enforced.
 */
export async function setToolCondition(
  roleName: string,
  toolName: string,
  expression: string,
  ctx: AuditContext,
): Promise<{ changed: boolean; previous: string | null; expression: string }> {
  const parsed = setToolConditionInput.safeParse({ role: roleName, tool: toolName, expression });
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { role: name, tool: toolId } = parsed.data;
  return privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const role = await tx.role.findUnique({ where: { name }, select: { id: true, name: true, scopes: { select: { scopeName: true } } } });
    if (!role) throw new AppError("not_found", `Role ${name} does not exist`);
    const tool = await tx.tool.findUnique({ where: { name: toolId } });
    if (!tool) throw new AppError("not_found", `Tool ${toolId} does not exist`);
    const compiled = compileCondition(parsed.data.expression, toolInputSchema(tool.name, (tool as { definition?: unknown }).definition));
    if (!compiled.ok) {
      const { message, line, column } = compiled.error;
      throw new AppError("invalid_input", `Condition refused at line ${line}, column ${column}: ${message}`, { line, column, problem: message });
    }
    const text = compiled.condition.expression;
    const existing = await tx.toolCondition.findUnique({ where: { roleId_toolName: { roleId: role.id, toolName: tool.name } } });
    if (existing?.expression === text) return { changed: false, previous: text, expression: text };
    checkRoleChange(view, actor, role.id, { scopes: [tool.requiredScope] });
    await tx.toolCondition.upsert({
      where: { roleId_toolName: { roleId: role.id, toolName: tool.name } },
      create: { roleId: role.id, toolName: tool.name, expression: text, updatedBy: ctx.actor },
      update: { expression: text, updatedBy: ctx.actor },
    });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        tool: tool.name,
        scopes: [tool.requiredScope],
        reason: `role ${role.name} may use tool ${tool.name} only when ${text}${existing ? ` (was ${existing.expression})` : ""}`,
        detail: { change: "tool_condition_set", role: role.name, tool: tool.name, before: existing?.expression ?? null, after: text },
      },
    ]);
    return { changed: true, previous: existing?.expression ?? null, expression: text };
  });
}
