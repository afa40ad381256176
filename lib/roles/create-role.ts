import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError, describeIssues } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleContents } from "@/lib/privilege/privilege-rules";

export const roleNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{1,62}$/, "use 2–63 lowercase letters, digits, _ . or -, starting with a letter");

export const roleDescriptionSchema = z.string().trim().max(500, "use at most 500 characters");

export const createRoleInput = z.object({
  name: roleNameSchema,
  description: roleDescriptionSchema.default(""),
  scopes: z.array(z.string()).default([]),
  /** Roles this one inherits from. A new role has no children yet, so no parent can close a cycle. */
  parents: z.array(z.string()).default([]),
});

export type CreateRoleInput = z.input<typeof createRoleInput>;

export async function createRole(input: CreateRoleInput, ctx: AuditContext): Promise<{ id: string; name: string }> {
  const parsed = createRoleInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { name, description } = parsed.data;
  const scopes = [...new Set(parsed.data.scopes)].sort();
  const parents = [...new Set(parsed.data.parents)].sort();
  const role = await privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    if (await tx.role.findUnique({ where: { name } })) throw new AppError("conflict", `Role ${name} already exists`);
    const known = await tx.scope.findMany({ where: { name: { in: scopes } }, select: { name: true } });
    const unknown = scopes.filter((s) => !known.some((k) => k.name === s));
    if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);
    const parentRoles = await tx.role.findMany({ where: { name: { in: parents } }, select: { id: true, name: true } });
    const missing = parents.filter((p) => !parentRoles.some((r) => r.name === p));
    if (missing.length > 0) throw new AppError("invalid_input", `Unknown parent role: ${missing.join(", ")}`);
    // Nobody holds a new role yet; what it may carry is what its creator could give.
    checkRoleContents(view, actor, name, scopes, parentRoles.map((p) => p.id));
    const created = await tx.role.create({
      data: {
        name,
        description,
        scopes: { create: scopes.map((scopeName) => ({ scopeName })) },
        parents: { create: parentRoles.map((p) => ({ parentId: p.id })) },
      },
    });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes,
        reason: parents.length ? `role ${name} created, inheriting ${parents.join(", ")}` : `role ${name} created`,
        detail: { change: "role_created", role: name, description, parents },
      },
    ]);
    return created;
  });
  return { id: role.id, name: role.name };
}
