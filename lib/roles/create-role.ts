import { changeTransaction } from "@/lib/changes/change-transaction";
import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { AppError, describeIssues } from "@/lib/errors";

export const roleNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{1,62}$/, "use 2–63 lowercase letters, digits, _ . or -, starting with a letter");

export const createRoleInput = z.object({
  name: roleNameSchema,
  description: z.string().trim().max(500).default(""),
  scopes: z.array(z.string()).default([]),
});

export type CreateRoleInput = z.input<typeof createRoleInput>;

export async function createRole(input: CreateRoleInput, ctx: AuditContext): Promise<{ id: string; name: string }> {
  const parsed = createRoleInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { name, description, scopes } = parsed.data;
  const role = await changeTransaction(["policy"], async (tx) => {
    if (await tx.role.findUnique({ where: { name } })) throw new AppError("conflict", `Role ${name} already exists`);
    const known = await tx.scope.findMany({ where: { name: { in: scopes } }, select: { name: true } });
    const unknown = scopes.filter((s) => !known.some((k) => k.name === s));
    if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);
    const created = await tx.role.create({
      data: { name, description, scopes: { create: scopes.map((scopeName) => ({ scopeName })) } },
    });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes,
        reason: `role ${name} created`,
        detail: { change: "role_created", role: name },
      },
    ]);
    return created;
  });
  return { id: role.id, name: role.name };
}
