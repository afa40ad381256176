import { db } from "@/lib/db/client";
import { listRoles, type RoleSummary } from "@/lib/roles/list-roles";
import { listUsers, type UserFilter, type UserSummary } from "@/lib/users/list-users";

export interface UserDirectory {
  users: UserSummary[];
  /** The roles a new user can be given. */
  roles: RoleSummary[];
}

/** The console's user list under a filter, with the roles the create-user form offers. */
export async function loadUserDirectory(filter: UserFilter): Promise<UserDirectory> {
  const [users, roles] = await Promise.all([listUsers(filter), listRoles(db())]);
  return { users, roles };
}
