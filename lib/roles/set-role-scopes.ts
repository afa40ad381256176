import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/policy/catalog";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleChange } from "@/lib/privilege/privilege-rules";

const scopeList = z.array(z.string().trim().min(1)).max(500);

/**
 * Replaces a role's own scopes (inherited ones are untouched: they come from the parents). Takes effect on the next
 * call of everyone holding the role or a role that inherits it. Within the privilege rules: never a role you hold, and
 * only scopes you hold yourself.
 */
export async function setRoleScopes(roleName: string, scopes: readonly string[], ctx: AuditContext): Promise<{ added: string[]; removed: string[] }> {
  const parsed = scopeList.safeParse(scopes);
  if (!parsed.success) throw new AppError("invalid_input", "scopes must be a list of scope names");
  const wanted = [...new Set(parsed.data)].sort();
  return privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const role = await tx.role.findUnique({ where: { name: roleName }, include: { scopes: true } });
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    const known = await tx.scope.findMany({ where: { name: { in: wanted } }, select: { name: true, builtin: true } });
    const unknown = wanted.filter((s) => !known.some((k) => k.name === s));
    if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);

    const current = role.scopes.map((s) => s.scopeName).sort();
    const added = wanted.filter((s) => !current.includes(s));
    const removed = current.filter((s) => !wanted.includes(s));
    if (added.length === 0 && removed.length === 0) return { added, removed };
    checkRoleChange(view, actor, role.id, { scopes: [...added, ...removed] });

    if (role.name === ADMIN_ROLE) {
      // iam_admin holds every built-in scope by definition (the seed restores them at start-up); taking one away
      // could lock every admin out of the console.
      const builtin = await tx.scope.findMany({ where: { name: { in: removed }, builtin: true }, select: { name: true } });
      if (builtin.length > 0) {
        throw new AppError(
          "conflict",
          `${ADMIN_ROLE} always holds every built-in scope; it cannot lose ${builtin.map((b) => b.name).sort().join(", ")}`,
        );
      }
    }

    await tx.roleScope.deleteMany({ where: { roleId: role.id, scopeName: { in: removed } } });
    await tx.roleScope.createMany({ data: added.map((scopeName) => ({ roleId: role.id, scopeName })) });
    const parts = [added.length ? `gained ${added.join(", ")}` : "", removed.length ? `lost ${removed.join(", ")}` : ""];
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: wanted,
        reason: `role ${roleName} ${parts.filter(Boolean).join(" and ")}`,
        detail: { change: "role_scopes_set", role: roleName, added, removed },
      },
    ]);
    return { added, removed };
  });
}
