import { recordAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import type { ChangeTopic } from "@/lib/changes/change-versions";
import type { Tx } from "@/lib/db/client";
import { PrivilegeRefused } from "@/lib/privilege/privilege-refused";
import { loadPrivilegeView, type PrivilegeActor, type PrivilegeView } from "@/lib/privilege/privilege-view";
import { POLICY_EDIT_LOCK } from "@/lib/roles/role-graph-lock";

/**
 * A change to what someone holds (roles, role scopes, inheritance, account status, role mappings, tool scopes): one
 * transaction that first takes the policy edit lock — so the privilege rules judge the graph the change applies to, not
 * one a concurrent edit is rewriting — then hands the body the role graph and the actor as the rules see them. A
 * refusal rolls the change back and is recorded as `console.denied`, after the rollback (it must outlive it).
 */
export async function privilegedChange<T>(
  topics: readonly ChangeTopic[],
  ctx: AuditContext,
  body: (tx: Tx, view: PrivilegeView, actor: PrivilegeActor) => Promise<T>,
): Promise<T> {
  try {
    return await changeTransaction(topics, async (tx) => {
      const { view, actor } = await lockPrivilegeView(tx, ctx);
      return body(tx, view, actor);
    });
  } catch (error) {
    await recordPrivilegeRefusal(error, ctx);
    throw error;
  }
}

/** A change refused by a privilege rule is recorded as `console.denied` after its transaction rolled back; other errors pass. */
export async function recordPrivilegeRefusal(error: unknown, ctx: AuditContext): Promise<void> {
  if (!(error instanceof PrivilegeRefused)) return;
  await recordAudit({
    kind: "console.denied",
    actor: ctx.actor,
    subject: error.subject,
    ip: ctx.ip,
    requestId: ctx.requestId,
    scopes: error.missingScopes,
    decision: "deny",
    reason: error.message,
    detail: { rule: error.rule },
  });
}

/**
 * Takes the policy edit lock in a transaction that is not a `privilegedChange` (a client's lifecycle, its allow-list)
 * and returns the privilege view and actor, for a rule that judges what the change hands over.
 */
export async function lockPrivilegeView(tx: Tx, ctx: AuditContext): Promise<{ view: PrivilegeView; actor: PrivilegeActor }> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${POLICY_EDIT_LOCK})`);
  const view = await loadPrivilegeView(tx);
  return { view, actor: await view.actor(ctx.actor) };
}
