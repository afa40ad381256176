import { z } from "zod";
import type { AuditContext } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError, describeIssues } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkAccountChange } from "@/lib/privilege/privilege-rules";
import { emailSchema } from "@/lib/users/user-input";
import { writeWorkosLink } from "@/lib/workos/link-workos-user";
import { workosClient } from "@/lib/workos/workos-client";
import { workosFailure } from "@/lib/workos/workos-failure";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const linkWorkosAccountInput = z.object({
  /** The local account: an email or a user id. */
  user: z.string().trim().min(1, "name the account by email or id").max(320),
  workosUserId: z.string().trim().regex(/^user_[0-9A-Za-z]{1,64}$/, "a WorkOS user id looks like user_01H…"),
});

export type LinkWorkosAccountInput = z.input<typeof linkWorkosAccountInput>;

/** The WorkOS user's email, when an API key lets us ask; a WorkOS user that does not exist is refused. */
async function workosEmail(workosUserId: string): Promise<string | null> {
  if (!env().workos.apiKey) return null;
  try {
    return (await workosClient().userManagement.getUser(workosUserId)).email;
  } catch (error) {
    const failure = workosFailure(error);
    if (failure.status === 404) throw new AppError("not_found", `WorkOS has no user ${workosUserId}`);
    logger.warn("WorkOS user lookup failed", { workosUserId, status: failure.status, message: failure.message });
    throw new AppError("unavailable", "WorkOS cannot be reached to check this user right now. Try again shortly.");
  }
}

/**
 * An admin's explicit link of a WorkOS user to a local account — the only way an account holding iam_admin or a write
 * scope, or one whose email domain is not listed for automatic linking, is linked. Whoever holds the WorkOS identity
 * signs in as the account from then on, so from the console it is a privileged change (not your own account; an
 * iam_admin's only by an iam_admin; only accounts within your own scopes). Audited as `user.linked` (rule `admin`).
 */
export async function linkWorkosAccount(input: LinkWorkosAccountInput, ctx: AuditContext): Promise<{ userId: string; email: string; changed: boolean }> {
  const parsed = linkWorkosAccountInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { user: named, workosUserId } = parsed.data;
  const email = emailSchema.safeParse(named);
  if (!UUID.test(named) && !email.success) throw new AppError("invalid_input", "user: give the account's email or id");
  const workosEmailAddress = await workosEmail(workosUserId);
  return privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    const user = await tx.user.findUnique({ where: UUID.test(named) ? { id: named.toLowerCase() } : { email: email.data! } });
    if (!user) throw new AppError("not_found", `No user ${named}`);
    if (user.kind !== "human") throw new AppError("invalid_input", `${user.email} is a service identity: it does not sign in`);
    if (user.workosUserId === workosUserId) return { userId: user.id, email: user.email, changed: false };
    if (user.workosUserId) {
      throw new AppError("conflict", `${user.email} is already linked to WorkOS user ${user.workosUserId}`);
    }
    const other = await tx.user.findUnique({ where: { workosUserId }, select: { email: true } });
    if (other) throw new AppError("conflict", `WorkOS user ${workosUserId} is already linked to ${other.email}`);
    const target = await view.user(user.id);
    checkAccountChange(actor, { id: user.id, ...target! }, "link");
    await writeWorkosLink(tx, user, workosUserId, "admin", ctx, { workosEmail: workosEmailAddress });
    return { userId: user.id, email: user.email, changed: true };
  });
}
