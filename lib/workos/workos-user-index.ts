import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { processState } from "@/lib/process-state";

interface Cache {
  version?: number;
  index?: Map<string, string>;
  loading?: Promise<Map<string, string>>;
}

const cache = processState<Cache>("workos-user-index", () => ({}));

/** WorkOS user id → local user id for every linked user, from memory; reloaded after a `policy` change. */
export async function workosUserIndex(): Promise<Map<string, string>> {
  const version = topicVersion("policy");
  if (cache.index && cache.version === version) return cache.index;
  if (!cache.loading) {
    cache.loading = db()
      .user.findMany({ where: { workosUserId: { not: null } }, select: { id: true, workosUserId: true } })
      .then((rows) => {
        const index = new Map(rows.map((r) => [r.workosUserId!, r.id]));
        if (topicVersion("policy") === version) {
          cache.index = index;
          cache.version = version;
        }
        return index;
      })
      .finally(() => {
        cache.loading = undefined;
      });
  }
  const index = await cache.loading;
  return topicVersion("policy") === version ? index : workosUserIndex();
}
