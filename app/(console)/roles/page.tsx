import Link from "next/link";
import { Forbidden } from "@/components/console/forbidden";
import { CreateRoleForm } from "@/components/roles/create-role-form";
import { RoleGraph } from "@/components/roles/role-graph";
import { RoleTree } from "@/components/roles/role-tree";
import { Badge } from "@/components/ui/badge";
import { Notice } from "@/components/ui/notice";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { loadRoleCatalog } from "@/lib/roles/load-role-catalog";

export const metadata = { title: "Roles" };

export default async function RolesPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const me = await consoleUser();
  if (!me.scopes.has("policy:read")) return <Forbidden message="You need the policy:read scope to see roles." />;
  const [{ roles, scopes }, { deleted }] = await Promise.all([loadRoleCatalog(), searchParams]);
  const canWrite = me.scopes.has("policy:write");
  return (
    <>
      <PageHeader
        title="Roles"
        description="A role is a named set of scopes. Roles inherit every scope of their parents, so a change to a parent reaches all its descendants on their next call."
      />
      {deleted ? (
        <div className="mb-6">
          <Notice tone="success">Deleted role {deleted}.</Notice>
        </div>
      ) : null}
      <div className="grid gap-6 xl:grid-cols-[2fr_1fr]">
        <Card title="Hierarchy">
          <RoleGraph
            roles={roles.map((r) => ({ name: r.name, parents: r.parents, builtin: r.builtin, scopeCount: r.scopes.length, userCount: r.userCount }))}
          />
        </Card>
        <Card title="As a list">
          <RoleTree roles={roles} />
        </Card>
      </div>
      <Card title="All roles" className="mt-6">
        {roles.length === 0 ? (
          <p className="text-sm text-slate-500">No roles yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[640px] text-left text-sm" data-testid="roles-table">
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">Role</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Inherits</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Own scopes</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Effective scopes</th>
                  <th scope="col" className="py-2 pr-4 font-medium text-right">Users</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {roles.map((role) => (
                  <tr key={role.id} data-testid={`role-row-${role.name}`} className="align-top">
                    <td className="py-2 pr-4">
                      <Link href={`/roles/${role.name}`} className="font-mono font-medium text-brand-700 hover:underline">{role.name}</Link>
                      {role.builtin ? <span className="ml-2"><Badge>built in</Badge></span> : null}
                      <div className="text-xs text-slate-500">{role.description}</div>
                    </td>
                    <td className="py-2 pr-4 font-mono text-xs">{role.parents.join(", ") || <span className="text-slate-400">—</span>}</td>
                    <td className="py-2 pr-4 tabular-nums">{role.scopes.length}</td>
                    <td className="py-2 pr-4 tabular-nums" title={role.effectiveScopes.join(" ")}>{role.effectiveScopes.length}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{role.userCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {canWrite ? (
        <Card title="Create a role" className="mt-6">
          <CreateRoleForm scopes={scopes} roles={roles.map((r) => r.name)} />
        </Card>
      ) : (
        <p className="mt-6 text-sm text-slate-500">You can read roles but not change them.</p>
      )}
    </>
  );
}
