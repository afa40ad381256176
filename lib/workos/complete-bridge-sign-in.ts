import { recordAudit, type AuditContext } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { externalAuthRef } from "@/lib/workos/external-auth-id";
import { workosClient } from "@/lib/workos/workos-client";
import { workosFailure } from "@/lib/workos/workos-failure";

/** Where AuthKit may send the browser next: its own domain, nowhere else (no open redirect through Portcullis). */
function checkRedirect(uri: string, authkitDomain: string): string | null {
  if (!URL.canParse(uri)) return `AuthKit answered with a redirect that is not a URL`;
  const url = new URL(uri);
  return url.origin === authkitDomain ? null : `AuthKit answered with a redirect to ${url.origin}, not ${authkitDomain}`;
}

/**
 * Bridge mode, the Login URI's last step: tells AuthKit (`POST /authkit/oauth2/complete`) that this Portcullis user
 * signed in for the pending AuthKit sign-in `externalAuthId`, and returns where AuthKit wants the browser next. AuthKit
 * records the Portcullis user id as the WorkOS user's `external_id`, which is how tokens map back to this user.
 * Audited either way (`bridge.completed` / `bridge.failed`); a refusal or outage becomes an AppError with a message fit
 * for the page, never a stack trace.
 */
export async function completeBridgeSignIn(externalAuthId: string, user: SignedInUser, ctx: AuditContext): Promise<string> {
  const { workos, issuerMode } = env();
  if (issuerMode !== "bridge" || !workos.authkitDomain) throw new AppError("not_found", "Portcullis is not AuthKit's Login URI.");
  const audit = { actor: ctx.actor, subject: user.id, ip: ctx.ip, requestId: ctx.requestId };
  const detail = { externalAuthRef: externalAuthRef(externalAuthId), email: user.email };
  let redirectUri: string;
  try {
    ({ redirectUri } = await workosClient().connect.completeOAuth2({
      externalAuthId,
      user: { id: user.id, email: user.email, firstName: user.name },
    }));
  } catch (error) {
    const failure = workosFailure(error);
    logger.warn("AuthKit sign-in completion failed", { status: failure.status, message: failure.message });
    await recordAudit({ kind: "bridge.failed", ...audit, reason: failure.message, detail: { ...detail, status: failure.status } });
    if (failure.status === 404) {
      throw new AppError("not_found", "AuthKit does not know this sign-in request, or it has expired. Start again from your MCP client.");
    }
    if (failure.rejected) {
      throw new AppError("conflict", "AuthKit refused to complete this sign-in (for example, another AuthKit user already has your email). Ask an administrator.");
    }
    throw new AppError("unavailable", "AuthKit could not be reached to complete the sign-in. Try again in a moment.");
  }
  const problem = checkRedirect(redirectUri, workos.authkitDomain);
  if (problem) {
    await recordAudit({ kind: "bridge.failed", ...audit, reason: problem, detail });
    throw new AppError("unavailable", "AuthKit answered with an unexpected redirect, so the sign-in was stopped. Ask an administrator.");
  }
  await recordAudit({
    kind: "bridge.completed",
    ...audit,
    reason: `user ${user.email} signed in to AuthKit through Portcullis`,
    detail: { ...detail, redirectOrigin: new URL(redirectUri).origin },
  });
  return redirectUri;
}
