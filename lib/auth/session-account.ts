import { auth } from "@/lib/auth/auth";
import { accountOfSession, type SessionAccount } from "@/lib/auth/account-of-session";

export type { SessionAccount } from "@/lib/auth/account-of-session";

/** The account of this request's console session (see `accountOfSession`). */
export async function sessionAccount(): Promise<SessionAccount> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return { state: "none" };
  return accountOfSession(id, session.user?.sessionEpoch);
}
