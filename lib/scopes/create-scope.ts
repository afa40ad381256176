import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";

/**
 * Scope names are `area:verb` (`clients:read`) or `tools:<tool name>` (`tools:deploy_service`): lowercase, one colon,
 * no spaces — they travel in space-separated OAuth `scope` strings (RFC 6749 §3.3), so spaces and quotes are out.
 */
export const scopeNameSchema = z
  .string()
  .trim()
  .max(100, "use at most 100 characters")
  .regex(
    /^[a-z][a-z0-9_-]*:[a-z0-9][a-z0-9_.-]*$/,
    "use area:verb (e.g. reports:read) or tools:<name>: lowercase letters, digits, _ . or -, with one colon",
  );

export const createScopeInput = z.object({
  name: scopeNameSchema,
  description: z.string().trim().min(1, "say what the scope allows").max(300, "use at most 300 characters"),
});

export type CreateScopeInput = z.input<typeof createScopeInput>;

/** Adds a scope to the catalog. It grants nothing until a role lists it and a tool requires it. */
export async function createScope(input: CreateScopeInput, ctx: AuditContext): Promise<{ name: string }> {
  const parsed = createScopeInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { name, description } = parsed.data;
  await changeTransaction(["policy"], async (tx) => {
    if (await tx.scope.findUnique({ where: { name } })) throw new AppError("conflict", `Scope ${name} already exists`);
    await tx.scope.create({ data: { name, description } });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: [name],
        reason: `scope ${name} created`,
        detail: { change: "scope_created", scope: name, description },
      },
    ]);
  });
  return { name };
}
