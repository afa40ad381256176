import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { decoyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { withPasswordHashSlot } from "@/lib/auth/password-hash-slots";
import { addressBucket, hitRateLimit, LIMITS, refundRateLimit, resetRateLimit, type LimitHit, type LimitRule } from "@/lib/rate-limit";
import { emailSchema } from "@/lib/users/user-input";

export const LOGIN_FAILED_MESSAGE = "Email or password is incorrect.";

/** How far back a successful sign-in from an address makes it "known" to the account (exempt from the account-wide limit). */
const KNOWN_ADDRESS_DAYS = 30;

export interface LoginUser {
  id: string;
  email: string;
  name: string;
  /** Read with the account at sign-in: the session it starts lasts while the user's epoch stays at this value. */
  sessionEpoch: number;
}

interface Refusal {
  rule: LimitRule;
  hit: LimitHit;
}

/** An address bucket the account signed in from recently: its owner, most likely, not the botnet guessing at it. */
async function signedInFrom(userId: string, bucket: string): Promise<boolean> {
  const since = new Date(Date.now() - KNOWN_ADDRESS_DAYS * 86_400_000);
  const logins = await db().auditEvent.findMany({
    where: { kind: "admin.login", subject: userId, at: { gte: since } },
    orderBy: { seq: "desc" },
    take: 20,
    select: { ip: true },
  });
  return logins.some((l) => l.ip !== null && addressBucket(l.ip) === bucket);
}

/**
 * Counts the attempt against every limit before the password is looked at, so parallel attempts each take their own
 * place in the count and no more than the limit are ever verified. Checked in order, stopping at the first refusal,
 * so one address cannot push the account-wide count past its own per-account share.
 */
async function countAttempt(account: string, bucket: string, userId: string | null): Promise<Refusal | null> {
  const steps: Array<[LimitRule, string]> = [
    [LIMITS.signInAddress, bucket],
    [LIMITS.signInAccountAddress, `${account}|${bucket}`],
    [LIMITS.signInAccount, account],
  ];
  for (const [rule, key] of steps) {
    const hit = await hitRateLimit(rule, key);
    if (hit.allowed) continue;
    // The account-wide limit stops a distributed guesser; it must not also stop the owner at their usual address.
    if (rule === LIMITS.signInAccount && userId && (await signedInFrom(userId, bucket))) continue;
    return { rule, hit };
  }
  return null;
}

/**
 * Checks a console sign-in. Every failure gives the same message (no account enumeration) and is an audit event;
 * attempts are counted per address bucket, per account and address, and per account across addresses before the
 * password is checked. A throttled attempt writes one event for the first refusal in its window; the rest are
 * summarised when the window closes (`throttle.summary`).
 */
export async function verifyLogin(rawEmail: unknown, password: unknown, ip: string | null): Promise<LoginUser> {
  const email = emailSchema.safeParse(rawEmail);
  const account = (email.success ? email.data : String(rawEmail ?? "")).toLowerCase().slice(0, 320);
  const bucket = addressBucket(ip);
  const user = email.success && typeof password === "string" ? await db().user.findUnique({ where: { email: email.data } }) : null;

  const refusal = await countAttempt(account, bucket, user?.id ?? null);
  if (refusal) {
    const { rule, hit } = refusal;
    if (hit.firstRefusal) {
      await recordAudit({
        kind: "admin.login_failed",
        actor: "anonymous",
        subject: user?.id,
        ip,
        reason: "rate limited",
        detail: { email: email.data ?? null, limit: rule.name, allowed: rule.limit, windowSeconds: rule.windowSeconds, note: "further refusals in this window are summarised when it closes" },
      });
    }
    throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${Math.ceil(hit.retryAfter / 60)} minute(s).`);
  }

  const ok = await withPasswordHashSlot(async () =>
    user?.passwordHash && typeof password === "string" && password.length <= 1024
      ? verifyPassword(password, user.passwordHash)
      : (await verifyPassword("decoy", await decoyPasswordHash()), false),
  );

  if (!ok || !user || user.disabledAt) {
    const why = !user ? "unknown account" : user.disabledAt && ok ? "account disabled" : "wrong password";
    await recordAudit({ kind: "admin.login_failed", actor: "anonymous", subject: user?.id, ip, reason: why, detail: { email: email.data ?? null } });
    throw new AppError("unauthenticated", LOGIN_FAILED_MESSAGE);
  }
  // A success is not held against the address or the account: give back what this attempt counted.
  await Promise.all([
    refundRateLimit(LIMITS.signInAddress, bucket),
    refundRateLimit(LIMITS.signInAccount, account),
    resetRateLimit(LIMITS.signInAccountAddress, `${account}|${bucket}`),
  ]);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({ kind: "admin.login", actor: `user:${user.id}`, subject: user.id, ip, reason: `user ${user.email} signed in` });
  return { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch };
}
