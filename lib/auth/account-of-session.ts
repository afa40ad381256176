import { noteChanged } from "@/lib/changes/change-versions";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import type { PolicySnapshot, UserNode } from "@/lib/policy/types";

export type SessionAccount =
  | { state: "none" }
  /** A session cookie that was valid once: its user is gone or disabled, or its epoch has passed (signed out, password changed). */
  | { state: "ended" }
  | { state: "current"; user: UserNode; snapshot: PolicySnapshot };

/**
 * Whose console session this is, checked against the current policy in memory: the user must exist, be enabled, and
 * the session's epoch must be the user's current one. The policy is cached and reloaded on change events, so this costs
 * no database read unless the user is unknown here or the session is newer than the cache (both mean another instance
 * changed something this one has not heard of yet: reload once, then decide).
 */
export async function accountOfSession(userId: string, sessionEpoch: unknown): Promise<SessionAccount> {
  let snapshot = await policySnapshot();
  const cacheBehind = (s: PolicySnapshot) => {
    const user = s.users.get(userId);
    return !user || (typeof sessionEpoch === "number" && sessionEpoch > user.sessionEpoch);
  };
  if (cacheBehind(snapshot)) {
    noteChanged(["policy"]);
    snapshot = await policySnapshot();
  }
  const user = snapshot.users.get(userId);
  if (!user || user.disabled || !sessionEpochIsCurrent(sessionEpoch, user)) return { state: "ended" };
  return { state: "current", user, snapshot };
}

/** A session from before session epochs existed carries none: it counts as ended (fail closed, sign in once more). */
export function sessionEpochIsCurrent(epoch: unknown, user: Pick<UserNode, "sessionEpoch">): boolean {
  return typeof epoch === "number" && epoch === user.sessionEpoch;
}
