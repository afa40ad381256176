import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { recordAudit, type AuditContext } from "@/lib/audit";
import { sessionAccount } from "@/lib/auth/session-account";
import { AppError } from "@/lib/errors";
import { clientIp, requestId } from "@/lib/http/client-address";
import type { BuiltinScope } from "@/lib/policy/catalog";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { HeldScopes } from "@/lib/policy/held-scopes";

export interface ConsoleUser {
  id: string;
  email: string;
  name: string;
  scopes: HeldScopes;
  roles: string[];
  /** An administrator reset the password: nothing but a password change until the user chooses their own. */
  mustChangePassword: boolean;
  /** For audit events written by this user's actions. */
  context: AuditContext;
}

/**
 * The signed-in console user, read fresh from the current policy on every request: a disabled user, a removed role or
 * an ended session (sign-out, password change) takes effect at once, whatever the session cookie says. Redirects to
 * sign-in when there is no usable session.
 */
export async function consoleUser(): Promise<ConsoleUser> {
  const account = await sessionAccount();
  if (account.state === "none") redirect("/login");
  if (account.state === "ended") redirect("/login?error=session");
  const { user, snapshot } = account;
  const h = await headers();
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    scopes: new HeldScopes(userEffectiveScopes(snapshot, user.id).keys()),
    roles: user.roleIds.map((roleId) => snapshot.roles.get(roleId)?.name ?? roleId).sort(),
    mustChangePassword: user.mustChangePassword === true,
    context: { actor: `user:${user.id}`, ip: clientIp(h), requestId: requestId(h) },
  };
}

/**
 * The console user, who must hold `scope`. Without it: an audit event and a 403 AppError (pages render it as a
 * "not allowed" screen, server actions return it as an error).
 */
export async function requireScope(scope: BuiltinScope, action: string): Promise<ConsoleUser> {
  const user = await consoleUser();
  // A reset password is a hand-over secret: until its owner replaces it, it opens nothing but the password change.
  if (user.mustChangePassword) throw new AppError("forbidden", "Choose a new password first: your administrator reset it.");
  if (user.scopes.has(scope)) return user;
  await recordAudit({
    kind: "console.denied",
    actor: user.context.actor,
    subject: user.id,
    ip: user.context.ip,
    requestId: user.context.requestId,
    scopes: [scope],
    decision: "deny",
    reason: `user ${user.email} lacks ${scope} to ${action}`,
  });
  throw new AppError("forbidden", `You need the ${scope} scope to ${action}.`, { scope });
}
