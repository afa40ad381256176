import { auth } from "@/lib/auth/auth";
import { noteChanged } from "@/lib/changes/change-versions";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot, UserNode } from "@/lib/policy/types";

export type SessionAccount =
  | { state: "none" }
  /** A session cookie that was valid once: its user is gone or disabled, or its epoch has passed (signed out elsewhere, password changed). */
  | { state: "ended" }
  | { state: "current"; user: UserNode; snapshot: PolicySnapshot };

/**
 * The console session's account, checked against the current policy in memory on every request: the user must exist,
 * be enabled, and the session's epoch must be the user's current one. The policy is cached and reloaded on change
 * events, so this costs no database read unless the user is unknown here or the session is newer than the cache (both
 * mean another instance changed something this one has not heard of yet: reload once, then decide).
 */
export async function sessionAccount(): Promise<SessionAccount> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return { state: "none" };
  const epoch = session.user?.sessionEpoch;
  let snapshot = await policySnapshot();
  const stale = (s: PolicySnapshot) => {
    const user = s.users.get(id);
    return !user || (typeof epoch === "number" && epoch > user.sessionEpoch);
  };
  if (stale(snapshot)) {
    noteChanged(["policy"]);
    snapshot = await policySnapshot();
  }
  const user = snapshot.users.get(id);
  if (!user || user.disabled || !sessionEpochIsCurrent(epoch, user)) return { state: "ended" };
  return { state: "current", user, snapshot };
}

/** A session from before session epochs existed carries none: it counts as ended (fail closed, sign in once more). */
export function sessionEpochIsCurrent(epoch: unknown, user: Pick<UserNode, "sessionEpoch">): boolean {
  return typeof epoch === "number" && epoch === user.sessionEpoch;
}
