import { db } from "@/lib/db/client";
import { listRoles, type RoleSummary } from "@/lib/roles/list-roles";
import { getUserAccess, type UserAccess } from "@/lib/users/get-user-access";

export interface UserDetail {
  /** Null when no such user exists. */
  user: UserAccess | null;
  /** The roles the user can be given. */
  roles: RoleSummary[];
}

/** One user's access (roles, effective scopes, grants), with the roles the assign form offers. */
export async function loadUserDetail(userId: string): Promise<UserDetail> {
  const [user, roles] = await Promise.all([getUserAccess(userId), listRoles(db())]);
  return { user, roles };
}
