import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { grantableScopes } from "@/lib/oauth/authorize/grantable-scopes";
import { countUserCodeAttempt } from "@/lib/oauth/device/find-device-request";
import { normalizeUserCode } from "@/lib/oauth/device/user-code";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

/**
 * The signed-in user's answer to a device authorization (RFC 8628 §3.3). Approval grants the chosen scopes the user may
 * grant (requested ∩ roles ∩ client allow-list); choosing none is a denial. The polling device learns the outcome at
 * the token endpoint.
 */
export async function decideDeviceRequest(input: {
  userCode: string;
  userId: string;
  decision: "allow" | "deny";
  chosenScopes: string[];
  ctx: AuditContext;
}): Promise<"approved" | "denied"> {
  // An answer names a code as surely as a lookup does: it counts against the same per-user limit.
  await countUserCodeAttempt(input.userId);
  const userCode = normalizeUserCode(input.userCode);
  if (!userCode) throw new AppError("invalid_input", "That is not a valid code.");
  const row = await db().deviceCode.findUnique({ where: { userCode } });
  if (!row || row.status !== "pending" || row.expiresAt.getTime() <= Date.now()) {
    throw new AppError("not_found", "That code has expired or was already used. Start again on your device.");
  }
  const client = await db().client.findUnique({ where: { id: row.clientId } });
  if (!client || client.status !== "active") throw new AppError("conflict", "This app can no longer be authorized.");
  const { grantable } = grantableScopes(await policySnapshot(), input.userId, client.allowedScopes, row.scopes);
  const chosen = new Set(input.chosenScopes);
  const scopes = input.decision === "allow" ? grantable.filter((s) => chosen.has(s)) : [];
  const status = scopes.length > 0 ? "approved" : "denied";
  await db().$transaction(async (tx) => {
    const answered = await tx.deviceCode.updateMany({
      where: { userCode, status: "pending" },
      data: { status, userId: input.userId, grantedScopes: scopes },
    });
    if (answered.count !== 1) throw new AppError("conflict", "That code was answered already.");
    await appendAudit(tx, [
      {
        kind: status === "approved" ? "authorization.granted" : "authorization.denied",
        actor: input.ctx.actor,
        subject: input.userId,
        clientId: client.id,
        scopes: status === "approved" ? scopes : row.scopes,
        ip: input.ctx.ip,
        requestId: input.ctx.requestId,
        reason:
          status === "approved"
            ? `device authorization for ${client.name} approved`
            : `device authorization for ${client.name} denied${input.decision === "allow" ? ": no permission was granted" : ""}`,
        detail: { grant: "device_code", requested: row.scopes },
      },
    ]);
  });
  return status;
}
