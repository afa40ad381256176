import { db, type Db } from "@/lib/db/client";
import { compileCondition } from "@/lib/conditions/compile-condition";
import type { PolicySnapshot, ToolConditionNode } from "@/lib/policy/types";
import { processState } from "@/lib/process-state";
import { topicVersion } from "@/lib/changes/change-versions";

/** Reads the whole policy in seven queries. */
export async function loadPolicySnapshot(database: Db, version = 0): Promise<PolicySnapshot> {
  const [scopes, roles, users, clients, tools, conditions, approvals] = await Promise.all([
    database.scope.findMany({ select: { name: true } }),
    database.role.findMany({
      select: { id: true, name: true, parents: { select: { parentId: true } }, scopes: { select: { scopeName: true } } },
    }),
    database.user.findMany({
      select: { id: true, email: true, name: true, kind: true, disabledAt: true, sessionEpoch: true, mustChangePassword: true, roles: { select: { roleId: true } } },
    }),
    database.client.findMany({ select: { id: true, name: true, status: true, allowedScopes: true, source: true } }),
    database.tool.findMany({ select: { name: true, requiredScope: true, serverName: true, state: true } }),
    database.toolCondition.findMany({ select: { roleId: true, toolName: true, expression: true } }),
    database.toolApproval.findMany({ select: { toolName: true, approverRoles: true, expiresInSeconds: true, maskedFields: true } }),
  ]);
  return {
    version,
    loadedAt: new Date(),
    scopes: new Set(scopes.map((s) => s.name)),
    roles: new Map(
      roles.map((r) => [
        r.id,
        { id: r.id, name: r.name, parentIds: r.parents.map((p) => p.parentId), scopes: r.scopes.map((s) => s.scopeName) },
      ]),
    ),
    roleIdsByName: new Map(roles.map((r) => [r.name, r.id])),
    users: new Map(
      users.map((u) => [
        u.id,
        {
          id: u.id,
          email: u.email,
          name: u.name,
          kind: u.kind,
          disabled: u.disabledAt !== null,
          roleIds: u.roles.map((r) => r.roleId),
          sessionEpoch: u.sessionEpoch,
          mustChangePassword: u.mustChangePassword,
        },
      ]),
    ),
    clients: new Map(clients.map((c) => [c.id, c])),
    tools: new Map(tools.map((t) => [t.name, t])),
    conditions: conditionsByTool(conditions),
    approvals: new Map(approvals.map((a) => [a.toolName, { approverRoles: a.approverRoles, expiresInSeconds: a.expiresInSeconds, maskedFields: a.maskedFields ?? [] }])),
  };
}

function conditionsByTool(rows: Array<{ roleId: string; toolName: string; expression: string }>): Map<string, Map<string, ToolConditionNode>> {
  const byTool = new Map<string, Map<string, ToolConditionNode>>();
  for (const row of rows) {
    // Checked against the tool's input schema when saved; here only compiled (arguments typed `dyn`), so a tool whose
    // schema changed since still has its condition — a field now missing fails at evaluation, which denies.
    const compiled = compileCondition(row.expression);
    const node: ToolConditionNode = {
      roleId: row.roleId,
      tool: row.toolName,
      expression: row.expression,
      compiled: compiled.ok ? compiled.condition : null,
      compileError: compiled.ok ? null : compiled.error.message,
    };
    if (!byTool.has(row.toolName)) byTool.set(row.toolName, new Map());
    byTool.get(row.toolName)!.set(row.roleId, node);
  }
  return byTool;
}

interface PolicyCache {
  snapshot?: PolicySnapshot;
  loading?: Promise<PolicySnapshot>;
}

const cache = processState<PolicyCache>("policy-cache", () => ({}));

/**
 * The current policy, from memory. After a change (here, or seen from another process) the first caller reloads it
 * — once, shared by concurrent callers — so every decision after `changeTransaction` returned sees the change.
 */
export function policySnapshot(): Promise<PolicySnapshot> {
  const version = topicVersion("policy");
  if (cache.snapshot?.version === version) return Promise.resolve(cache.snapshot);
  if (cache.loading) return cache.loading.then((snapshot) => (snapshot.version === topicVersion("policy") ? snapshot : policySnapshot()));
  const loading = loadPolicySnapshot(db(), version)
    .then((snapshot) => {
      if (topicVersion("policy") === version) cache.snapshot = snapshot;
      return snapshot;
    })
    .finally(() => {
      if (cache.loading === loading) cache.loading = undefined;
    });
  cache.loading = loading;
  return loading.then((snapshot) => (snapshot.version === topicVersion("policy") ? snapshot : policySnapshot()));
}
