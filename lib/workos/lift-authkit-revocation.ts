import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";

/** Removes a deny-list entry (a revocation made by mistake). Audited; matching tokens are accepted again from the next call. */
export async function liftAuthkitRevocation(id: string, ctx: AuditContext): Promise<void> {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such revocation");
  await changeTransaction(["revocations"], async (tx) => {
    const row = await tx.revocation.findUnique({ where: { id } });
    if (!row) throw new AppError("not_found", "No such revocation");
    await tx.revocation.delete({ where: { id } });
    await appendAudit(tx, [
      {
        kind: "revocation.lifted",
        actor: ctx.actor,
        subject: row.kind === "user" ? row.value : null,
        clientId: row.kind === "client" ? row.value : null,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `AuthKit ${row.kind} ${row.value} no longer revoked`,
        detail: { issuer: "authkit", denyList: row.kind, value: row.value, revokedAt: row.createdAt.toISOString() },
      },
    ]);
  });
}
