import Link from "next/link";
import { Forbidden } from "@/components/console/forbidden";
import { CreateScopeForm } from "@/components/scopes/create-scope-form";
import { ToolScopeMatrix } from "@/components/scopes/tool-scope-matrix";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { loadScopeCatalog } from "@/lib/scopes/load-scope-catalog";

export const metadata = { title: "Scopes & tools" };

export default async function ScopesPage() {
  const me = await consoleUser();
  if (!me.scopes.has("policy:read")) return <Forbidden message="You need the policy:read scope to see scopes and tools." />;
  const { scopes, tools } = await loadScopeCatalog();
  const canWrite = me.scopes.has("policy:write");
  const rolesFor = new Map(scopes.map((s) => [s.name, [...s.grantedBy, ...s.inheritedBy].sort()]));
  return (
    <>
      <PageHeader
        title="Scopes & tools"
        description="Every MCP tool requires exactly one scope. A call is allowed when the user's roles, the client's allow-list and the token all carry that scope. Changes apply to the very next call."
      />
      <Card title="Tools × scopes">
        {tools.length === 0 ? (
          <div className="rounded-md border border-dashed border-slate-300 p-6 text-center" data-testid="no-tools">
            <p className="text-sm font-medium text-slate-800">No MCP tools are registered yet.</p>
            <p className="mt-1 text-sm text-slate-600">
              Tools are declared in code and appear here when Portcullis starts. Then you choose which scope each one requires.
            </p>
          </div>
        ) : (
          // Grouped by where the tools are served: the built-in /mcp first, then each upstream server's /mcp/<name>.
          [...new Set(tools.map((t) => t.serverName))]
            .sort((a, b) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
            .map((server) => (
              <div key={server ?? "builtin"} className="mb-6" data-testid={`tool-group-${server ?? "builtin"}`}>
                <h3 className="mb-2 text-sm font-semibold text-slate-900">
                  {server === null ? "Built-in tools (/mcp)" : <>Server <Link href="/servers" className="text-brand-700 hover:underline">{server}</Link> (/mcp/{server})</>}
                </h3>
                <ToolScopeMatrix
                  tools={tools
                    .filter((t) => t.serverName === server)
                    .map((t) => ({ name: t.name, description: t.state === "held" ? `[held for review] ${t.description}` : t.description, requiredScope: t.requiredScope, roles: rolesFor.get(t.requiredScope) ?? [] }))}
                  scopes={scopes.map((s) => s.name)}
                  canWrite={canWrite}
                />
              </div>
            ))
        )}
      </Card>
      <Card title="Scopes" className="mt-6">
        <div className="overflow-x-auto">
          <table className="w-full min-w-[720px] text-left text-sm" data-testid="scopes-table">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">Scope</th>
                <th scope="col" className="py-2 pr-4 font-medium">Granted by roles</th>
                <th scope="col" className="py-2 pr-4 font-medium">Inherited by</th>
                <th scope="col" className="py-2 pr-4 font-medium">Required by tools</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {scopes.map((scope) => (
                <tr key={scope.name} className="align-top" data-testid={`scope-row-${scope.name}`}>
                  <td className="py-2 pr-4">
                    <code className="font-medium text-slate-900">{scope.name}</code>
                    {scope.builtin ? <span className="ml-2"><Badge>built in</Badge></span> : null}
                    <div className="text-xs text-slate-500">{scope.description}</div>
                  </td>
                  <td className="py-2 pr-4 text-xs">
                    <RoleLinks roles={scope.grantedBy} />
                  </td>
                  <td className="py-2 pr-4 text-xs">
                    <RoleLinks roles={scope.inheritedBy} />
                  </td>
                  <td className="py-2 pr-4 font-mono text-xs">{scope.tools.join(", ") || <span className="text-slate-400">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {canWrite ? (
        <Card title="Create a scope" className="mt-6">
          <CreateScopeForm />
        </Card>
      ) : (
        <p className="mt-6 text-sm text-slate-500">You can read scopes and tools but not change them.</p>
      )}
    </>
  );
}

function RoleLinks({ roles }: { roles: string[] }) {
  if (roles.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {roles.map((r) => (
        <Link key={r} href={`/roles/${r}`} className="font-mono text-brand-700 hover:underline">{r}</Link>
      ))}
    </span>
  );
}
