import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { MASK_PATH } from "@/lib/approvals/mask-arguments";
import { AppError, describeIssues } from "@/lib/errors";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";

const input = z.object({
  tool: z.string().trim().min(1, "name a tool").max(128),
  approverRoles: z.array(z.string().trim().min(1)).min(1, "name at least one role whose holders may approve").max(20),
  expiresInSeconds: z.number().int().min(60, "an approval request lasts at least a minute").max(7 * 24 * 3600, "an approval request lasts at most a week"),
  maskedFields: z
    .array(z.string().trim().max(200, "a masked field path is at most 200 characters").regex(MASK_PATH, "a masked field is a field name or a dot path of field names (auth.token)"))
    .max(50, "mask at most 50 fields")
    .transform((paths) => [...new Set(paths)]),
});

/**
 * Marks a tool approval-required (DESIGN §11): from the next call, an otherwise-allowed call to it is held until someone
 * holding one of `approverRoles` approves it. Re-marking changes who may approve and for how long. `maskedFields` (dot
 * paths into the arguments) are masked wherever approvers see the call; requests held before keep their own list too.
 */
export async function setToolApproval(tool: string, approverRoles: string[], expiresInSeconds: number, ctx: AuditContext, maskedFields: string[] = []): Promise<void> {
  await requireActorScope(ctx, "policy:write");
  const parsed = input.safeParse({ tool, approverRoles, expiresInSeconds, maskedFields });
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { tool: name, approverRoles: roles } = parsed.data;
  await changeTransaction(["policy"], async (tx) => {
    if (!(await tx.tool.findUnique({ where: { name }, select: { name: true } }))) throw new AppError("not_found", `Tool ${name} does not exist`);
    const known = await tx.role.findMany({ where: { name: { in: roles } }, select: { name: true } });
    const unknown = roles.filter((r) => !known.some((k) => k.name === r));
    if (unknown.length > 0) throw new AppError("invalid_input", `Unknown role: ${unknown.join(", ")}`);
    const before = await tx.toolApproval.findUnique({ where: { toolName: name } });
    await tx.toolApproval.upsert({
      where: { toolName: name },
      create: { toolName: name, approverRoles: roles, expiresInSeconds: parsed.data.expiresInSeconds, maskedFields: parsed.data.maskedFields, updatedBy: ctx.actor },
      update: { approverRoles: roles, expiresInSeconds: parsed.data.expiresInSeconds, maskedFields: parsed.data.maskedFields, updatedBy: ctx.actor },
    });
    await appendAudit(tx, [
      {
        kind: "policy.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        tool: name,
        reason: `calls to ${name} need approval by ${roles.join(" or ")} (requests expire after ${parsed.data.expiresInSeconds} s${parsed.data.maskedFields.length ? `; masked from approvers: ${parsed.data.maskedFields.join(", ")}` : ""})`,
        detail: {
          change: "tool_approval_set",
          tool: name,
          before: before ? { approverRoles: before.approverRoles, expiresInSeconds: before.expiresInSeconds, maskedFields: before.maskedFields } : null,
          after: { approverRoles: roles, expiresInSeconds: parsed.data.expiresInSeconds, maskedFields: parsed.data.maskedFields },
        },
      },
    ]);
  });
}

/** Calls to the tool run without approval again; requests still pending are left to expire. */
export async function clearToolApproval(tool: string, ctx: AuditContext): Promise<boolean> {
  await requireActorScope(ctx, "policy:write");
  return changeTransaction(["policy"], async (tx) => {
    const before = await tx.toolApproval.findUnique({ where: { toolName: tool } });
    if (!before) return false;
    await tx.toolApproval.delete({ where: { toolName: tool } });
    await appendAudit(tx, [
      { kind: "policy.changed", actor: ctx.actor, ip: ctx.ip, requestId: ctx.requestId, tool, reason: `calls to ${tool} no longer need approval`, detail: { change: "tool_approval_cleared", tool, before: { approverRoles: before.approverRoles, expiresInSeconds: before.expiresInSeconds } } },
    ]);
    return true;
  });
}
