import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";
import { trustedIdpInput, type TrustedIdpInput } from "@/lib/idps/trusted-idp-input";
import type { TrustedIdp } from "@/lib/db/generated/client";

/**
 * Trusts an enterprise identity provider: from now on an ID-JAG it signs (with a key at its jwks_uri) can obtain tokens
 * here for the user its subject maps to — still only for approved clients and within that user's roles. A policy
 * change, audited in the same transaction.
 */
export async function addTrustedIdp(input: TrustedIdpInput, ctx: AuditContext): Promise<TrustedIdp> {
  const parsed = trustedIdpInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const idp = parsed.data;
  return changeTransaction(["policy"], async (tx) => {
    if (await tx.trustedIdp.findUnique({ where: { issuer: idp.issuer }, select: { id: true } })) {
      throw new AppError("conflict", `${idp.issuer} is already a trusted identity provider.`);
    }
    const created = await tx.trustedIdp.create({ data: { ...idp, createdBy: ctx.actor } });
    await appendAudit(tx, [
      {
        kind: "idp.trusted",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `trusted identity provider ${idp.name} (${idp.issuer}), subjects mapped by ${idp.subjectMapping}`,
        detail: { idpId: created.id, issuer: idp.issuer, jwksUri: idp.jwksUri, subjectMapping: idp.subjectMapping, allowedEmailDomains: idp.allowedEmailDomains },
      },
    ]);
    return created;
  });
}
