import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError, describeIssues } from "@/lib/errors";
import { revocationKindSchema, revocationReasonSchema, revocationValueSchema, type RevocationKind } from "@/lib/workos/revocation-kinds";

const input = z.object({ kind: revocationKindSchema, value: revocationValueSchema, reason: revocationReasonSchema });

export interface RevocationView {
  id: string;
  kind: RevocationKind;
  value: string;
  reason: string | null;
  createdBy: string | null;
  createdAt: Date;
}

const SUBJECT: Record<RevocationKind, string> = { token: "token", client: "every AuthKit token of client", user: "every AuthKit token of WorkOS user" };

/**
 * Denies AuthKit tokens by token id, client or WorkOS user. Written in a `revocations` change, so the deny-list in
 * memory reloads and the very next call with a matching token is refused. Idempotent: revoking twice keeps the first
 * entry (and its reason) and audits nothing new.
 */
export async function revokeAuthkitAccess(
  request: { kind: RevocationKind; value: string; reason?: string },
  ctx: AuditContext,
): Promise<{ revocation: RevocationView; created: boolean }> {
  const parsed = input.safeParse(request);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { kind, value } = parsed.data;
  const reason = parsed.data.reason || null;
  return changeTransaction(["revocations"], async (tx) => {
    const created = await tx.revocation.createMany({ data: [{ kind, value, reason, createdBy: ctx.actor }], skipDuplicates: true });
    const row = await tx.revocation.findUniqueOrThrow({ where: { kind_value: { kind, value } } });
    if (created.count > 0) {
      await appendAudit(tx, [
        {
          kind: kind === "token" ? "token.revoked" : "grant.revoked",
          actor: ctx.actor,
          subject: kind === "user" ? value : null,
          clientId: kind === "client" ? value : null,
          ip: ctx.ip,
          requestId: ctx.requestId,
          reason: `${SUBJECT[kind]} ${value} revoked${reason ? `: ${reason}` : ""}`,
          detail: { issuer: "authkit", denyList: kind, value, ...(kind === "token" ? { jti: value } : {}) },
        },
      ]);
    }
    return { revocation: { ...row, kind: row.kind as RevocationKind }, created: created.count > 0 };
  });
}
