import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { processState } from "@/lib/process-state";
import type { MappingRule } from "@/lib/workos/mapped-roles";

interface Cache {
  version?: number;
  rules?: MappingRule[];
  loading?: Promise<MappingRule[]>;
}

const cache = processState<Cache>("workos-role-mappings", () => ({}));

/**
 * The role mappings, from memory: reloaded (once, shared by concurrent callers) after a `policy` change here or in
 * another process, so a new or removed mapping applies on the next call without a database read per call.
 */
export async function roleMappingRules(): Promise<MappingRule[]> {
  const version = topicVersion("policy");
  if (cache.rules && cache.version === version) return cache.rules;
  if (!cache.loading) {
    cache.loading = db()
      .roleMapping.findMany({ select: { externalKind: true, externalName: true, roleId: true } })
      .then((rows) => {
        const rules = rows.map((r) => ({ ...r, externalKind: r.externalKind as MappingRule["externalKind"] }));
        if (topicVersion("policy") === version) {
          cache.rules = rules;
          cache.version = version;
        }
        return rules;
      })
      .finally(() => {
        cache.loading = undefined;
      });
  }
  const rules = await cache.loading;
  return topicVersion("policy") === version ? rules : roleMappingRules();
}
