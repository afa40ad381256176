import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";
import {
  REGISTRATION_POLICY_KEY,
  registrationPolicySchema,
  type RegistrationPolicy,
} from "@/lib/settings/registration-policy";

/** Replaces the registration policy (console settings page, tests). Unknown default scopes are refused. */
export async function updateRegistrationPolicy(input: unknown, ctx: AuditContext): Promise<RegistrationPolicy> {
  const parsed = registrationPolicySchema.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const policy = parsed.data;
  return changeTransaction(["settings"], async (tx) => {
    const known = new Set((await tx.scope.findMany({ select: { name: true } })).map((s) => s.name));
    const unknown = policy.defaultScopes.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);
    await tx.setting.upsert({
      where: { key: REGISTRATION_POLICY_KEY },
      create: { key: REGISTRATION_POLICY_KEY, value: policy as object, updatedBy: ctx.actor },
      update: { value: policy as object, updatedBy: ctx.actor },
    });
    await appendAudit(tx, [
      {
        kind: "settings.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: "registration policy changed",
        detail: { key: REGISTRATION_POLICY_KEY, value: policy },
      },
    ]);
    return policy;
  });
}
