import type { Db } from "@/lib/db/client";
import { effectiveScopes } from "@/lib/policy/effective-scopes";
import { loadPolicySnapshot } from "@/lib/policy/policy-snapshot";

export interface ScopeSummary {
  name: string;
  description: string;
  builtin: boolean;
  /** Roles that list the scope themselves. */
  grantedBy: string[];
  /** Roles that hold it only by inheriting it. */
  inheritedBy: string[];
  /** Tools that require it. */
  tools: string[];
}

/** Every scope, which roles grant it (directly or by inheritance) and which tools require it. */
export async function listScopes(database: Db): Promise<ScopeSummary[]> {
  const [snapshot, scopes] = await Promise.all([
    loadPolicySnapshot(database),
    database.scope.findMany({ orderBy: { name: "asc" } }),
  ]);
  const direct = new Map<string, string[]>();
  const inherited = new Map<string, string[]>();
  for (const role of snapshot.roles.values()) {
    for (const scope of effectiveScopes(snapshot, [{ roleId: role.id }]).keys()) {
      const bucket = role.scopes.includes(scope) ? direct : inherited;
      bucket.set(scope, [...(bucket.get(scope) ?? []), role.name]);
    }
  }
  const tools = new Map<string, string[]>();
  for (const tool of snapshot.tools.values()) tools.set(tool.requiredScope, [...(tools.get(tool.requiredScope) ?? []), tool.name]);
  return scopes.map((s) => ({
    name: s.name,
    description: s.description,
    builtin: s.builtin,
    grantedBy: (direct.get(s.name) ?? []).sort(),
    inheritedBy: (inherited.get(s.name) ?? []).sort(),
    tools: (tools.get(s.name) ?? []).sort(),
  }));
}
