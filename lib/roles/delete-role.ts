import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { POLICY_EDIT_LOCK } from "@/lib/roles/role-graph-lock";

/**
 * Deletes a role that no longer affects anyone's access. Refused, with what to do instead, when:
 * - it is built in (the console's own roles: deleting iam_admin could orphan the last admin, and the seed would
 *   recreate it at the next start anyway);
 * - a user holds it, a role inherits it, or an external role mapping points at it — deleting it would silently
 *   take access away; that should be an explicit, audited change to each user or role first.
 * So deleting a role never changes any user's effective scopes.
 */
export async function deleteRole(roleName: string, ctx: AuditContext): Promise<void> {
  await changeTransaction(["policy"], async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${POLICY_EDIT_LOCK})`);
    const role = await tx.role.findUnique({
      where: { name: roleName },
      include: {
        scopes: { select: { scopeName: true } },
        parents: { select: { parent: { select: { name: true } } } },
        children: { select: { role: { select: { name: true } } } },
        _count: { select: { users: true, mappings: true } },
      },
    });
    if (!role) throw new AppError("not_found", `Role ${roleName} does not exist`);
    if (role.builtin) {
      throw new AppError("conflict", `${roleName} is a built-in role: the console relies on it, so it cannot be deleted`);
    }
    const users = role._count.users;
    if (users > 0) {
      throw new AppError(
        "conflict",
        `${roleName} is held by ${users} user${users === 1 ? "" : "s"}: remove it from them first, so nobody loses access without an explicit change`,
        { users },
      );
    }
    const children = role.children.map((c) => c.role.name).sort();
    if (children.length > 0) {
      throw new AppError(
        "conflict",
        `${children.join(", ")} ${children.length === 1 ? "inherits" : "inherit"} from ${roleName}: remove ${children.length === 1 ? "that link" : "those links"} first`,
        { children },
      );
    }
    if (role._count.mappings > 0) {
      throw new AppError("conflict", `${role._count.mappings} external role mapping(s) point at ${roleName}: remove them first`);
    }
    await tx.role.delete({ where: { id: role.id } });
    const scopes = role.scopes.map((s) => s.scopeName).sort();
    const parents = role.parents.map((p) => p.parent.name).sort();
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes,
        reason: `role ${roleName} deleted`,
        // Enough to recreate it by hand.
        detail: { change: "role_deleted", role: roleName, description: role.description, scopes, parents },
      },
    ]);
  });
}
