import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";

/**
 * Links an identity provider's subject (its `sub`) to a local user, for IdPs whose subject mapping is `linked`: an
 * ID-JAG for that subject then acts as that user. A person only — a service identity is not someone an IdP signs in.
 */
export async function linkIdpAccount(input: { idp: string; subject: string; user: string }, ctx: AuditContext): Promise<{ idpId: string; subject: string; userId: string }> {
  const subject = input.subject.trim();
  if (!subject || subject.length > 255) throw new AppError("invalid_input", "subject must be 1 to 255 characters.");
  return changeTransaction(["policy"], async (tx) => {
    const idp = await tx.trustedIdp.findFirst({ where: { OR: [{ issuer: input.idp }, { id: input.idp }] } });
    if (!idp) throw new AppError("not_found", `No trusted identity provider ${input.idp}.`);
    const user = await tx.user.findFirst({ where: { OR: [{ email: input.user.toLowerCase() }, { id: input.user }] } });
    if (!user) throw new AppError("not_found", `No user ${input.user}.`);
    if (user.kind !== "human") throw new AppError("invalid_input", `${user.email} is a service identity, not a person.`);
    await tx.idpAccountLink.upsert({
      where: { idpId_subject: { idpId: idp.id, subject } },
      create: { idpId: idp.id, subject, userId: user.id },
      update: { userId: user.id },
    });
    await appendAudit(tx, [
      {
        kind: "idp.account_linked",
        actor: ctx.actor,
        subject: user.id,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `subject ${subject} of ${idp.name} (${idp.issuer}) linked to ${user.email}`,
        detail: { idpId: idp.id, issuer: idp.issuer, idpSubject: subject },
      },
    ]);
    return { idpId: idp.id, subject, userId: user.id };
  });
}
