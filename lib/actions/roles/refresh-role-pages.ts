import { revalidatePath } from "next/cache";

/** The role list, and the changed role's page, show the change on their next render. */
export function refreshRolePages(role?: string): void {
  revalidatePath("/roles");
  if (role) revalidatePath(`/roles/${role}`);
}
