import { revocationState } from "@/lib/revocation-view";
import type { RevocationKind } from "@/lib/workos/revocation-kinds";

export interface Denial {
  kind: RevocationKind;
  value: string;
  /** For the reason path and the 401's error_description. */
  why: string;
}

/**
 * Whether an AuthKit token is on the deny-list, by its id, its client or its user. Reads the in-memory revocation view
 * the /mcp endpoint keeps for every issuer (reloaded when the `revocations` version moves: at once here, within the
 * watcher's second from another process). A load failure rejects: callers fail closed.
 */
export async function isAuthkitDenied(token: { jti: string; clientId: string; subject: string }): Promise<Denial | null> {
  const state = await revocationState();
  const checks: Array<[RevocationKind, string, ReadonlySet<string>, string]> = [
    ["token", token.jti, state.deniedTokens, "token has been revoked"],
    ["client", token.clientId, state.deniedClients, `every token of client ${token.clientId} has been revoked`],
    ["user", token.subject, state.deniedSubjects, `every token of user ${token.subject} has been revoked`],
  ];
  for (const [kind, value, denied, why] of checks) {
    if (denied.has(value)) return { kind, value, why };
  }
  return null;
}
