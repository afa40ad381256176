import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { processState } from "@/lib/process-state";
import type { RevocationKind } from "@/lib/workos/revocation-kinds";

interface DenyList {
  version: number;
  entries: Record<RevocationKind, Map<string, string | null>>;
}

interface Cache {
  list?: DenyList;
  loading?: Promise<DenyList>;
}

const cache = processState<Cache>("workos-deny-list", () => ({}));

async function load(version: number): Promise<DenyList> {
  const now = new Date();
  const rows = await db().revocation.findMany({
    where: { kind: { in: ["token", "client", "user"] }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { kind: true, value: true, reason: true },
  });
  const entries: DenyList["entries"] = { token: new Map(), client: new Map(), user: new Map() };
  for (const row of rows) entries[row.kind as RevocationKind].set(row.value, row.reason);
  return { version, entries };
}

async function denyList(): Promise<DenyList> {
  const version = topicVersion("revocations");
  if (cache.list?.version === version) return cache.list;
  if (!cache.loading) {
    cache.loading = load(version)
      .then((list) => {
        if (topicVersion("revocations") === version) cache.list = list;
        return list;
      })
      .finally(() => {
        cache.loading = undefined;
      });
  }
  const list = await cache.loading;
  return list.version === topicVersion("revocations") ? list : denyList();
}

export interface Denial {
  kind: RevocationKind;
  value: string;
  /** For the reason path and the 401's error_description. */
  why: string;
}

/**
 * Whether an AuthKit token is on the deny-list, by its id, its client or its user. Reads memory only; the list is
 * reloaded when the `revocations` version moves (a revocation here returns only after that, one from another process
 * arrives within the watcher's second). A load failure rejects: callers fail closed.
 */
export async function isAuthkitDenied(token: { jti: string; clientId: string; subject: string }): Promise<Denial | null> {
  const { entries } = await denyList();
  const checks: Array<[RevocationKind, string, string]> = [
    ["token", token.jti, "token has been revoked"],
    ["client", token.clientId, `every token of client ${token.clientId} has been revoked`],
    ["user", token.subject, `every token of user ${token.subject} has been revoked`],
  ];
  for (const [kind, value, why] of checks) {
    if (entries[kind].has(value)) return { kind, value, why };
  }
  return null;
}
