import { ADMIN_ROLE } from "@/lib/policy/catalog";
import { PrivilegeRefused } from "@/lib/privilege/privilege-refused";
import type { PrivilegeActor, PrivilegeView } from "@/lib/privilege/privilege-view";

/*
 * The privilege rules (issue: privilege escalation through role administration). Holding `users:write` or
 * `policy:write` lets someone administer access, not hand themselves more of it:
 *
 *   1. own_access         nobody changes their own roles or account status, nor a role they hold directly or through
 *                         inheritance (its scopes, its parents) — that is another administrator's decision;
 *   2. admin_only         only an iam_admin gives or takes iam_admin, or a role that inherits it;
 *   3. beyond_own_scopes  everyone else gives, takes or moves only scopes they hold themselves: a role they grant, a
 *                         scope they add, a parent they attach, a mapping they point at a role — never more than
 *                         their own effective scopes.
 *
 * An iam_admin is bounded by rule 1 only: the role is the top of delegation (it must be able to hand out a scope that
 * nobody holds yet), and an iam_admin can already make anyone an iam_admin. The CLI is the operator of the machine,
 * who holds the database and the deployment secret: the rules do not apply to it (`operator`).
 */

function missing(needed: Iterable<string>, held: Set<string>): string[] {
  return [...needed].filter((s) => !held.has(s)).sort();
}

const list = (scopes: string[]) => (scopes.length > 6 ? `${scopes.slice(0, 6).join(", ")} and ${scopes.length - 6} more` : scopes.join(", "));

/** Giving a user a role (`grant`) or taking it away (`take`); also every role of a user being created. */
export function checkRoleAssignment(view: PrivilegeView, actor: PrivilegeActor, roleId: string, targetUserId: string | null, change: "grant" | "take"): void {
  if (actor.kind === "operator") return;
  const role = view.snapshot.roles.get(roleId)!;
  const verb = change === "grant" ? "give" : "take away";
  if (targetUserId !== null && targetUserId === actor.id) {
    throw new PrivilegeRefused("own_access", `You cannot change your own roles: ask another administrator to ${verb} ${role.name}.`, targetUserId);
  }
  if (view.grantsAdmin(roleId) && !actor.isAdmin) {
    const how = role.name === ADMIN_ROLE ? ADMIN_ROLE : `${role.name} (it inherits ${ADMIN_ROLE})`;
    throw new PrivilegeRefused("admin_only", `Only an ${ADMIN_ROLE} may ${verb} ${how}.`, targetUserId);
  }
  if (actor.isAdmin) return;
  const lacking = missing(view.roleScopes(roleId), actor.scopes);
  if (lacking.length > 0) {
    throw new PrivilegeRefused(
      "beyond_own_scopes",
      `You cannot ${verb} role ${role.name}: it carries scopes you do not hold (${list(lacking)}).`,
      targetUserId,
      lacking,
    );
  }
}

/** Disabling or re-enabling an account (it takes away, or gives back, everything it holds), or linking an identity to it or resetting its password (whoever holds the identity or the password holds the account). */
export function checkAccountChange(
  actor: PrivilegeActor,
  target: { id: string; email: string; scopes: Set<string>; isAdmin: boolean },
  change: "disable" | "enable" | "link" | "reset the password of",
): void {
  if (actor.kind === "operator") return;
  if (target.id === actor.id) throw new PrivilegeRefused("own_access", `You cannot ${change} your own account.`, target.id);
  if (target.isAdmin && !actor.isAdmin) {
    throw new PrivilegeRefused("admin_only", `Only an ${ADMIN_ROLE} may ${change} ${target.email}, who holds ${ADMIN_ROLE}.`, target.id);
  }
  if (actor.isAdmin) return;
  const lacking = missing(target.scopes, actor.scopes);
  if (lacking.length > 0) {
    throw new PrivilegeRefused(
      "beyond_own_scopes",
      `You cannot ${change} ${target.email}: they hold scopes you do not (${list(lacking)}).`,
      target.id,
      lacking,
    );
  }
}

/**
 * Changing an existing role: its own scopes (`scopes`: every scope added or removed) or its parents (`parentId`: the
 * role it starts or stops inheriting). Everyone holding the role or a role inheriting it gains or loses with it.
 */
export function checkRoleChange(view: PrivilegeView, actor: PrivilegeActor, roleId: string, change: { scopes?: string[]; parentId?: string }): void {
  if (actor.kind === "operator") return;
  const role = view.snapshot.roles.get(roleId)!;
  if (actor.heldRoleIds.has(roleId)) {
    throw new PrivilegeRefused("own_access", `You cannot change role ${role.name}: you hold it (directly or through inheritance). Ask another administrator.`);
  }
  checkRoleContents(view, actor, role.name, change.scopes ?? [], change.parentId ? [change.parentId] : []);
}

/** What a new or changed role may carry: scopes and parents within the actor's own reach. */
export function checkRoleContents(view: PrivilegeView, actor: PrivilegeActor, roleName: string, scopes: readonly string[], parentIds: readonly string[]): void {
  if (actor.kind === "operator") return;
  for (const parentId of parentIds) {
    if (view.grantsAdmin(parentId) && !actor.isAdmin) {
      const parent = view.snapshot.roles.get(parentId)!.name;
      const how = parent === ADMIN_ROLE ? ADMIN_ROLE : `${parent} (it inherits ${ADMIN_ROLE})`;
      throw new PrivilegeRefused("admin_only", `Only an ${ADMIN_ROLE} may change whether ${roleName} inherits ${how}.`);
    }
  }
  if (actor.isAdmin) return;
  const lacking = missing(new Set([...scopes, ...parentIds.flatMap((id) => [...view.roleScopes(id)])]), actor.scopes);
  if (lacking.length > 0) {
    throw new PrivilegeRefused(
      "beyond_own_scopes",
      `You cannot give or take scopes you do not hold yourself (${list(lacking)}) through role ${roleName}.`,
      null,
      lacking,
    );
  }
}

/** Pointing a WorkOS role or permission at a local role (or removing that): whoever carries it holds the role at /mcp. */
export function checkRoleMapping(view: PrivilegeView, actor: PrivilegeActor, roleId: string): void {
  if (actor.kind === "operator") return;
  const role = view.snapshot.roles.get(roleId)!;
  if (view.grantsAdmin(roleId) && !actor.isAdmin) {
    throw new PrivilegeRefused("admin_only", `Only an ${ADMIN_ROLE} may map a WorkOS role or permission to ${role.name}.`);
  }
  if (actor.isAdmin) return;
  const lacking = missing(view.roleScopes(roleId), actor.scopes);
  if (lacking.length > 0) {
    throw new PrivilegeRefused("beyond_own_scopes", `You cannot map to role ${role.name}: it carries scopes you do not hold (${list(lacking)}).`, null, lacking);
  }
}

/** Moving a tool to another scope: whoever holds the new scope may call it, so only someone who may already call it may move it. */
export function checkToolScope(actor: PrivilegeActor, tool: string, currentScope: string): void {
  if (actor.kind === "operator" || actor.isAdmin || actor.scopes.has(currentScope)) return;
  throw new PrivilegeRefused(
    "beyond_own_scopes",
    `You cannot change which scope tool ${tool} requires: you do not hold its current scope ${currentScope}.`,
    null,
    [currentScope],
  );
}

/**
 * A client bound to a service identity acts as that identity with client_credentials, within its allow-list: whoever
 * holds the client's credentials holds the identity's scopes that the allow-list lets through. Approving such a client,
 * binding it, or widening its allow-list hands those scopes over, so only someone who holds them may do it.
 */
export function checkServiceClientScopes(
  actor: PrivilegeActor,
  client: { id: string; name: string },
  service: { email: string; scopes: Set<string> },
  allowList: Iterable<string>,
): void {
  if (actor.kind === "operator" || actor.isAdmin) return;
  const handed = [...allowList].filter((s) => service.scopes.has(s));
  const lacking = missing(handed, actor.scopes);
  if (lacking.length > 0) {
    throw new PrivilegeRefused(
      "beyond_own_scopes",
      `You cannot let client ${client.name} act as ${service.email} with scopes you do not hold yourself (${list(lacking)}): ask an ${ADMIN_ROLE}.`,
      client.id,
      lacking,
    );
  }
}
