import { appendAudit, recordAudit, type AuditContext } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { hitRateLimit, LIMITS, resetRateLimit } from "@/lib/rate-limit";
import { passwordSchema } from "@/lib/users/user-input";


export interface PasswordChange {
  current: unknown;
  next: unknown;
  confirm: unknown;
}

/**
 * A signed-in user changes their own password: the current one first (so a session left open is not enough), then the
 * new one twice, held to the same rule as every password (`passwordSchema`). The new hash, the raised session epoch —
 * which ends every console session of the user, this one included — and the audit event are one transaction. Returns
 * the user's email, for signing this browser in again with the new password.
 */
export async function changeOwnPassword(userId: string, input: PasswordChange, ctx: AuditContext): Promise<{ email: string }> {
  // A session in the wrong hands must not become a way to guess the password: each check of the current password is
  // counted before it is made (LIMITS.passwordChangeUser), in the shared database, so parallel tries cannot pass it.
  const attempt = await hitRateLimit(LIMITS.passwordChangeUser, userId);
  if (!attempt.allowed) throw new AppError("rate_limited", `Too many attempts to change your password. Try again in ${Math.ceil(attempt.retryAfter / 60)} minute(s).`);
  const user = await db().user.findUnique({ where: { id: userId } });
  if (!user || user.disabledAt) throw new AppError("unauthenticated", "Sign in again to change your password.");
  if (!user.passwordHash) throw new AppError("conflict", "This account signs in with WorkOS and has no Portcullis password to change.");
  const current = typeof input.current === "string" && input.current.length <= 1024 ? input.current : "";
  if (!(await verifyPassword(current, user.passwordHash))) {
    await recordAudit({ kind: "user.password_change_failed", actor: ctx.actor, subject: userId, ip: ctx.ip, requestId: ctx.requestId, reason: "wrong current password" });
    throw new AppError("invalid_input", "The current password is not correct.");
  }
  const next = passwordSchema.safeParse(input.next);
  if (!next.success) throw new AppError("invalid_input", `New password: ${next.error.issues[0].message}.`);
  if (input.confirm !== next.data) throw new AppError("invalid_input", "The two new passwords do not match.");
  if (next.data === current) throw new AppError("invalid_input", "Choose a password different from the current one.");
  const passwordHash = await hashPassword(next.data);
  await resetRateLimit(LIMITS.passwordChangeUser, userId);
  await changeTransaction(["policy"], async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: false, sessionEpoch: { increment: 1 } } });
    await appendAudit(tx, [
      {
        kind: "user.password_changed",
        actor: ctx.actor,
        subject: userId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `user ${user.email} changed their password; every console session of the user ended`,
      },
    ]);
  });
  return { email: user.email };
}
