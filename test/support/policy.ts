import { compileCondition } from "@/lib/conditions/compile-condition";
import type { PolicySnapshot } from "@/lib/policy/types";

/** Builds a policy snapshot from a compact description, for pure policy tests. */
export function snapshotOf(spec: {
  roles?: Record<string, { parents?: string[]; scopes?: string[] }>;
  users?: Record<string, { roles?: string[]; disabled?: boolean }>;
  clients?: Record<string, { status?: "pending" | "active" | "suspended" | "rejected"; allowedScopes?: string[] }>;
  tools?: Record<string, string>;
  /** tool → role → CEL expression. */
  conditions?: Record<string, Record<string, string>>;
}): PolicySnapshot {
  const roles = Object.entries(spec.roles ?? {});
  const scopes = new Set<string>([
    ...roles.flatMap(([, r]) => r.scopes ?? []),
    ...Object.values(spec.tools ?? {}),
  ]);
  return {
    version: 0,
    loadedAt: new Date(0),
    scopes,
    roles: new Map(roles.map(([name, r]) => [name, { id: name, name, parentIds: r.parents ?? [], scopes: r.scopes ?? [] }])),
    roleIdsByName: new Map(roles.map(([name]) => [name, name])),
    users: new Map(
      Object.entries(spec.users ?? {}).map(([id, u]) => [
        id,
        { id, email: `${id}@example.test`, name: id, kind: "human" as const, disabled: u.disabled ?? false, roleIds: u.roles ?? [], sessionEpoch: 0 },
      ]),
    ),
    clients: new Map(
      Object.entries(spec.clients ?? {}).map(([id, c]) => [
        id,
        { id, name: id, status: c.status ?? "active", allowedScopes: c.allowedScopes ?? [...scopes] },
      ]),
    ),
    tools: new Map(Object.entries(spec.tools ?? {}).map(([name, requiredScope]) => [name, { name, requiredScope }])),
    conditions: new Map(
      Object.entries(spec.conditions ?? {}).map(([tool, byRole]) => [
        tool,
        new Map(
          Object.entries(byRole).map(([roleId, expression]) => {
            const compiled = compileCondition(expression);
            return [roleId, { roleId, tool, expression, compiled: compiled.ok ? compiled.condition : null, compileError: compiled.ok ? null : compiled.error.message }];
          }),
        ),
      ]),
    ),
  };
}
