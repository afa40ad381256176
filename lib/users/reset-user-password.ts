import { randomBytes } from "node:crypto";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkAccountChange } from "@/lib/privilege/privilege-rules";

/** A temporary password: 18 random bytes, base64url (24 characters), well past the password rule's minimum. */
function temporaryPassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * An administrator resets a person's password: a random temporary password replaces it (shown once, to hand over), the
 * user must choose their own at the next console sign-in, and every console session of theirs ends. Whoever knows an
 * account's password holds the account, so the rules of a privileged account change apply: never your own (use the
 * account page), an iam_admin's only by an iam_admin, only accounts within your own scopes. Service identities and
 * WorkOS accounts have no Portcullis password to reset. The change and its audit event are one transaction.
 */
export async function resetUserPassword(userId: string, reason: string, ctx: AuditContext): Promise<{ email: string; temporaryPassword: string }> {
  const account = await db().user.findUnique({ where: { id: userId }, select: { kind: true, passwordHash: true, workosUserId: true } });
  if (!account) throw new AppError("not_found", "User not found");
  if (account.kind === "service") throw new AppError("conflict", "A service identity has no password: it acts through its client's credentials.");
  if (!account.passwordHash) throw new AppError("conflict", "This account signs in with WorkOS and has no Portcullis password to reset.");
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  let email = "";
  await privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const target = await view.user(userId);
    if (!target) throw new AppError("not_found", "User not found");
    checkAccountChange(actor, { id: userId, ...target }, "reset the password of");
    email = target.email;
    await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: true, sessionEpoch: { increment: 1 } } });
    await appendAudit(tx, [
      {
        kind: "user.password_reset",
        actor: ctx.actor,
        subject: userId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `password of ${target.email} reset by an administrator (${reason}); a new one must be chosen at the next sign-in, every console session ended`,
      },
    ]);
  });
  return { email, temporaryPassword: password };
}
