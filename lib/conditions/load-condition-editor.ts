import { describeType, typeFromJsonSchema } from "@/lib/conditions/cel-type";
import { toolInputSchema } from "@/lib/conditions/tool-input-schema";
import { db } from "@/lib/db/client";
import { effectiveScopes } from "@/lib/policy/effective-scopes";
import { loadPolicySnapshot } from "@/lib/policy/policy-snapshot";

export interface ConditionEditor {
  role: string;
  tool: string;
  requiredScope: string;
  /** Whether the role grants the tool's scope (own or inherited): a condition on a role that does not, restricts nothing. */
  grantsTool: boolean;
  condition: { expression: string; updatedAt: Date; updatedBy: string | null } | null;
  /** The arguments a condition may name, from the tool's input schema; null when it has none known. */
  fields: Array<{ name: string; type: string }> | null;
}

/** The condition on one role's use of one tool, for its editor. Null when the role or the tool does not exist. */
export async function loadConditionEditor(roleName: string, toolName: string): Promise<ConditionEditor | null> {
  const database = db();
  const [role, tool] = await Promise.all([
    database.role.findUnique({ where: { name: roleName }, select: { id: true, name: true } }),
    database.tool.findUnique({ where: { name: toolName } }),
  ]);
  if (!role || !tool) return null;
  const [condition, snapshot] = await Promise.all([
    database.toolCondition.findUnique({ where: { roleId_toolName: { roleId: role.id, toolName: tool.name } } }),
    loadPolicySnapshot(database),
  ]);
  const schema = toolInputSchema(tool.name, (tool as { definition?: unknown }).definition);
  const type = schema === undefined ? null : typeFromJsonSchema(schema);
  return {
    role: role.name,
    tool: tool.name,
    requiredScope: tool.requiredScope,
    grantsTool: effectiveScopes(snapshot, [{ roleId: role.id }]).has(tool.requiredScope),
    condition: condition ? { expression: condition.expression, updatedAt: condition.updatedAt, updatedBy: condition.updatedBy } : null,
    fields: type?.kind === "object" ? Object.entries(type.fields).map(([name, t]) => ({ name, type: describeType(t) })) : null,
  };
}
