import { recordAudit } from "@/lib/audit";
import type { LoginUser } from "@/lib/auth/verify-login";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { linkWorkosUser } from "@/lib/workos/link-workos-user";
import { workosClient } from "@/lib/workos/workos-client";
import { workosFailure } from "@/lib/workos/workos-failure";
import { WORKOS_SIGN_IN_MESSAGES, type WorkosSignInFailure } from "@/lib/workos/workos-sign-in-messages";
import type { WorkosSignInState } from "@/lib/workos/workos-sign-in-state";

export class WorkosSignInRefused extends AppError {
  constructor(readonly reason: WorkosSignInFailure) {
    super(reason === "unavailable" ? "unavailable" : "unauthenticated", WORKOS_SIGN_IN_MESSAGES[reason]);
  }
}

/**
 * Finishes a console sign-in through WorkOS: exchanges the code (with the PKCE verifier and the API key), then finds the
 * Portcullis account — the one linked to this WorkOS user, or an existing human account with the same email if WorkOS
 * has verified it (linked now, audited). WorkOS never creates console accounts: an admin adds people first. Every
 * outcome is an audit event.
 */
export async function finishWorkosSignIn(code: string, signIn: WorkosSignInState | null, ip: string | null): Promise<LoginUser> {
  const fail = async (reason: WorkosSignInFailure, why: string, detail: Record<string, unknown> = {}) => {
    await recordAudit({ kind: "admin.login_failed", actor: "anonymous", ip, reason: `WorkOS sign-in: ${why}`, detail: { method: "workos", ...detail } });
    return new WorkosSignInRefused(reason);
  };
  if (!signIn || !/^[\x21-\x7e]{1,512}$/.test(code)) {
    throw await fail("expired", "state missing, expired or not matching");
  }
  let profile;
  try {
    const result = await workosClient().userManagement.authenticateWithCode({ code, codeVerifier: signIn.codeVerifier });
    profile = result.user;
  } catch (error) {
    const failure = workosFailure(error);
    logger.warn("WorkOS sign-in code exchange failed", { status: failure.status, message: failure.message });
    throw await fail(failure.rejected ? "rejected" : "unavailable", failure.message, { status: failure.status });
  }
  const ctx = { actor: "system", ip };
  const outcome = await linkWorkosUser(
    {
      id: profile.id,
      email: profile.email,
      emailVerified: profile.emailVerified,
      firstName: profile.firstName ?? null,
      lastName: profile.lastName ?? null,
      externalId: profile.externalId ?? null,
    },
    { match: ["verified_email"], create: false },
    ctx,
  );
  const detail = { workosUserId: profile.id, email: profile.email };
  if (!outcome) {
    throw await fail("no_account", `no Portcullis account for ${profile.email}`, detail);
  }
  const user = await db().user.findUniqueOrThrow({ where: { id: outcome.userId } });
  if (user.disabledAt) {
    throw await fail("disabled", `account ${user.email} disabled`, { ...detail, subject: user.id });
  }
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({
    kind: "admin.login",
    actor: `user:${user.id}`,
    subject: user.id,
    ip,
    reason: `user ${user.email} signed in with WorkOS`,
    detail: { method: "workos", workosUserId: profile.id, linked: outcome.how === "linked" },
  });
  return { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch };
}
