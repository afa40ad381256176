import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import type { TrustedIdp } from "@/lib/db/generated/client";

/**
 * Stops trusting an identity provider (named by issuer or id): its ID-JAGs are refused from the next request on, its
 * account links go with it. Tokens already issued run out on their own short lifetime; revoke the grants to end them
 * sooner.
 */
export async function removeTrustedIdp(issuerOrId: string, ctx: AuditContext): Promise<TrustedIdp> {
  return changeTransaction(["policy"], async (tx) => {
    const idp = await tx.trustedIdp.findFirst({ where: { OR: [{ issuer: issuerOrId }, { id: issuerOrId }] } });
    if (!idp) throw new AppError("not_found", `No trusted identity provider ${issuerOrId}.`);
    await tx.trustedIdp.delete({ where: { id: idp.id } });
    await appendAudit(tx, [
      {
        kind: "idp.removed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `no longer trusting identity provider ${idp.name} (${idp.issuer})`,
        detail: { idpId: idp.id, issuer: idp.issuer },
      },
    ]);
    return idp;
  });
}
