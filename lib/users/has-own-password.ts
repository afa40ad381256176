import { db } from "@/lib/db/client";

/** Whether the account signs in with a Portcullis password (WorkOS-only accounts have none to change). */
export async function hasOwnPassword(userId: string): Promise<boolean> {
  const account = await db().user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return Boolean(account?.passwordHash);
}
