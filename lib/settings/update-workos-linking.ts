import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";
import { WORKOS_LINKING_KEY, workosLinking, workosLinkingSchema, type WorkosLinking } from "@/lib/settings/workos-linking";

/** Sets which email domains may link WorkOS identities to existing accounts automatically. Audited with before and after. */
export async function updateWorkosLinking(input: unknown, ctx: AuditContext): Promise<WorkosLinking> {
  const parsed = workosLinkingSchema.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const linking = { autoLinkEmailDomains: [...new Set(parsed.data.autoLinkEmailDomains)].sort() };
  // Read before the transaction: the embedded database serves one connection at a time.
  const previous = await workosLinking();
  return changeTransaction(["settings"], async (tx) => {
    await tx.setting.upsert({
      where: { key: WORKOS_LINKING_KEY },
      create: { key: WORKOS_LINKING_KEY, value: linking, updatedBy: ctx.actor },
      update: { value: linking, updatedBy: ctx.actor },
    });
    const domains = linking.autoLinkEmailDomains;
    await appendAudit(tx, [
      {
        kind: "settings.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: domains.length ? `WorkOS accounts with verified emails at ${domains.join(", ")} may link automatically` : "no WorkOS account links automatically",
        detail: { key: WORKOS_LINKING_KEY, value: linking, previous },
      },
    ]);
    return linking;
  });
}
