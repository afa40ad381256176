import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError, describeIssues } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleMapping } from "@/lib/privilege/privilege-rules";
import { describeExternal, roleMappingInput, type RoleMappingInput } from "@/lib/workos/role-mapping-input";

export interface RoleMappingView {
  id: string;
  externalKind: "role" | "permission";
  externalName: string;
  role: string;
  createdAt: Date;
}

/**
 * Maps a WorkOS role or permission to a local role: a caller whose AuthKit token carries it holds the local role for
 * MCP decisions, from the next call on — a grant of that role to whoever the WorkOS side gives the role or permission, so
 * within the privilege rules (iam_admin only by an iam_admin; only roles within your own scopes). A policy change,
 * audited in the same transaction.
 */
export async function addRoleMapping(input: RoleMappingInput, ctx: AuditContext): Promise<RoleMappingView> {
  const parsed = roleMappingInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { externalKind, externalName, role } = parsed.data;
  const external = describeExternal(externalKind, externalName);
  return privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const local = view.role(role);
    if (!local) throw new AppError("invalid_input", `Unknown role: ${role}`);
    checkRoleMapping(view, actor, local.id);
    const created = await tx.roleMapping.createMany({ data: [{ externalKind, externalName, roleId: local.id }], skipDuplicates: true });
    if (created.count === 0) throw new AppError("conflict", `${external} already maps to role ${role}`);
    const mapping = await tx.roleMapping.findUniqueOrThrow({
      where: { externalKind_externalName_roleId: { externalKind, externalName, roleId: local.id } },
    });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `${external} now maps to role ${role}`,
        detail: { change: "role_mapping_added", externalKind, externalName, role },
      },
    ]);
    return { id: mapping.id, externalKind, externalName, role, createdAt: mapping.createdAt };
  });
}
