import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { effectiveScopes, userEffectiveScopes } from "@/lib/policy/effective-scopes";
import type { PolicySnapshot } from "@/lib/policy/types";

export const REVIEW_SCOPE = "reviews:write";

/**
 * The people who may decide a campaign's items: those named, and the enabled members of the roles named. Every one must
 * hold reviews:write (a role named must grant it), so a campaign is never assigned to someone who could not act.
 */
export async function resolveReviewers(database: Db, snapshot: PolicySnapshot, input: { roles: string[]; users: string[] }): Promise<{ userIds: string[]; roles: string[] }> {
  const ids = new Set<string>();
  for (const name of input.roles) {
    const roleId = snapshot.roleIdsByName.get(name);
    if (!roleId) throw new AppError("invalid_input", `No role ${name} (reviewer role).`);
    if (!effectiveScopes(snapshot, [{ roleId }]).has(REVIEW_SCOPE)) {
      throw new AppError("invalid_input", `Role ${name} does not grant ${REVIEW_SCOPE}: its members could not review.`);
    }
    for (const user of snapshot.users.values()) if (!user.disabled && user.roleIds.includes(roleId)) ids.add(user.id);
  }
  for (const person of input.users) {
    const user = await database.user.findFirst({ where: { OR: [{ email: person.toLowerCase() }, { id: person }] }, select: { id: true, email: true, disabledAt: true } });
    if (!user) throw new AppError("invalid_input", `No user ${person} (reviewer).`);
    if (user.disabledAt) throw new AppError("invalid_input", `Reviewer ${user.email} is disabled.`);
    if (!userEffectiveScopes(snapshot, user.id).has(REVIEW_SCOPE)) {
      throw new AppError("invalid_input", `Reviewer ${user.email} does not hold ${REVIEW_SCOPE}.`);
    }
    ids.add(user.id);
  }
  if (ids.size === 0) throw new AppError("invalid_input", "Assign at least one reviewer (a person, or a role with members) holding reviews:write.");
  return { userIds: [...ids], roles: input.roles };
}
