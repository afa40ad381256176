import { db } from "@/lib/db/client";
import { listRoles, type RoleSummary } from "@/lib/roles/list-roles";
import { listUserPage, type UserPage, type UserPageQuery } from "@/lib/users/list-user-page";

export interface UserDirectory {
  users: UserPage;
  /** The roles a new user can be given. */
  roles: RoleSummary[];
}

/** The console's user list under a filter, sort and page, with the roles the create-user form offers. */
export async function loadUserDirectory(query: UserPageQuery): Promise<UserDirectory> {
  const [users, roles] = await Promise.all([listUserPage(query), listRoles(db())]);
  return { users, roles };
}
