import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError, describeIssues } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkToolScope } from "@/lib/privilege/privilege-rules";

const setToolScopeInput = z.object({
  tool: z.string().trim().min(1, "name a tool").max(128),
  scope: z.string().trim().min(1, "choose a scope").max(100),
});

/**
 * Changes the scope a tool requires. Policy, not code: it applies to the very next call at /mcp (the policy cache is
 * invalidated on return), including calls on tokens already issued. Only someone who may call the tool now (holds its
 * current scope) may move it: otherwise moving it to a scope they hold would hand them the tool.
 */
export async function setToolScope(
  toolName: string,
  scopeName: string,
  ctx: AuditContext,
): Promise<{ changed: boolean; previous: string }> {
  const parsed = setToolScopeInput.safeParse({ tool: toolName, scope: scopeName });
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { tool: name, scope } = parsed.data;
  return privilegedChange(["policy"], ctx, async (tx, _view, actor) => {
    const tool = await tx.tool.findUnique({ where: { name } });
    if (!tool) throw new AppError("not_found", `Tool ${name} does not exist`);
    if (!(await tx.scope.findUnique({ where: { name: scope } }))) throw new AppError("invalid_input", `Unknown scope: ${scope}`);
    if (tool.requiredScope === scope) return { changed: false, previous: scope };
    checkToolScope(actor, name, tool.requiredScope);
    await tx.tool.update({ where: { name }, data: { requiredScope: scope } });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        tool: name,
        scopes: [scope],
        reason: `tool ${name} now requires ${scope} (was ${tool.requiredScope})`,
        detail: { change: "tool_scope_set", tool: name, before: tool.requiredScope, after: scope },
      },
    ]);
    return { changed: true, previous: tool.requiredScope };
  });
}
