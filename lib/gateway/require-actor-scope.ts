import type { AuditContext } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { BuiltinScope } from "@/lib/policy/catalog";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

const OPERATORS = new Set(["cli", "system"]);

/**
 * The actor of a gateway change holds the scope it needs under the current policy. The CLI and start-up are the
 * operator (they hold the database and the deployment secret already); a console user is checked here, in lib/, so no
 * other caller can skip it.
 */
export async function requireActorScope(ctx: AuditContext, scope: BuiltinScope): Promise<void> {
  if (OPERATORS.has(ctx.actor)) return;
  const userId = ctx.actor.startsWith("user:") ? ctx.actor.slice(5) : null;
  const snapshot = await policySnapshot();
  const user = userId ? snapshot.users.get(userId) : undefined;
  if (!user || user.disabled || !userEffectiveScopes(snapshot, user.id).has(scope)) {
    throw new AppError("forbidden", `This needs the ${scope} scope`);
  }
}
