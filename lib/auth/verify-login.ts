import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { decoyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { rateLimit } from "@/lib/rate-limit";
import { emailSchema } from "@/lib/users/user-input";

// Failed sign-ins: 5 per account and address per 15 minutes, 30 per address (spraying many accounts).
const perAccount = rateLimit("login.account", 5, 15 * 60);
const perAddress = rateLimit("login.address", 30, 15 * 60);

export const LOGIN_FAILED_MESSAGE = "Email or password is incorrect.";

export interface LoginUser {
  id: string;
  email: string;
  name: string;
  /** Read with the account at sign-in: the session it starts lasts while the user's epoch stays at this value. */
  sessionEpoch: number;
}

/**
 * Checks a console sign-in. Every failure gives the same message (no account enumeration) and is an audit event;
 * repeated failures are rate-limited before the password is even checked.
 */
export async function verifyLogin(rawEmail: unknown, password: unknown, ip: string | null): Promise<LoginUser> {
  const email = emailSchema.safeParse(rawEmail);
  const address = ip ?? "unknown";
  const accountKey = `${email.success ? email.data : String(rawEmail)}|${address}`;
  const wait = Math.max(perAccount.check(accountKey), perAddress.check(address));
  if (wait > 0) {
    await recordAudit({ kind: "admin.login_failed", actor: "anonymous", ip, reason: "rate limited", detail: { email: email.data ?? null } });
    throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`);
  }

  const user =
    email.success && typeof password === "string"
      ? await db().user.findUnique({ where: { email: email.data } })
      : null;
  const ok =
    user?.passwordHash && typeof password === "string" && password.length <= 1024
      ? await verifyPassword(password, user.passwordHash)
      : (await verifyPassword("decoy", await decoyPasswordHash()), false);

  if (!ok || !user || user.disabledAt) {
    perAccount.hit(accountKey);
    perAddress.hit(address);
    const why = !user ? "unknown account" : user.disabledAt && ok ? "account disabled" : "wrong password";
    await recordAudit({ kind: "admin.login_failed", actor: "anonymous", subject: user?.id, ip, reason: why, detail: { email: email.data ?? null } });
    throw new AppError("unauthenticated", LOGIN_FAILED_MESSAGE);
  }
  perAccount.reset(accountKey);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({ kind: "admin.login", actor: `user:${user.id}`, subject: user.id, ip, reason: `user ${user.email} signed in` });
  return { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch };
}
