import Link from "next/link";
import { notFound } from "next/navigation";
import { Forbidden } from "@/components/console/forbidden";
import { ReasonPath } from "@/components/console/reason-path";
import { RoleGraph } from "@/components/roles/role-graph";
import { DeleteRoleForm, RoleDescriptionForm, RoleParentsEditor, RoleScopesForm } from "@/components/roles/role-editor";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { loadRoleEditor } from "@/lib/roles/load-role-editor";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `Role ${(await params).name}` };
}

const ROLE_NAME = /^[a-z][a-z0-9_.-]{1,62}$/;

export default async function RolePage({ params }: { params: Promise<{ name: string }> }) {
  const me = await consoleUser();
  if (!me.scopes.has("policy:read")) return <Forbidden message="You need the policy:read scope to see roles." />;
  const { name } = await params;
  if (!ROLE_NAME.test(name)) notFound();
  const { role, roles, scopes } = await loadRoleEditor(name);
  if (!role) notFound();
  const canWrite = me.scopes.has("policy:write");
  const inherited = role.effectiveScopes.filter((s) => s.inherited).map((s) => s.scope);
  const candidates = roles.map((r) => r.name).filter((n) => n !== role.name && !role.parents.includes(n));
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/roles" className="text-brand-700 hover:underline">Roles</Link> <span className="text-slate-400">/</span>{" "}
        <span className="font-mono">{role.name}</span>
      </nav>
      <PageHeader
        title={role.name}
        description={role.description || "No description."}
        actions={<div className="flex items-center gap-3">{role.builtin ? <Badge tone="brand">built in</Badge> : null}{canWrite && !role.builtin ? <DeleteRoleForm role={role.name} /> : null}</div>}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Place in the hierarchy">
          <RoleGraph
            roles={roles.map((r) => ({ name: r.name, parents: r.parents, builtin: r.builtin, scopeCount: r.scopes.length, userCount: r.userCount }))}
            focus={role.name}
            related={[...role.ancestors, ...role.descendants]}
          />
          <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Inherits (all ancestors)</dt>
            <dd className="font-mono text-xs" data-testid="role-ancestors">{role.ancestors.join(", ") || "—"}</dd>
            <dt className="text-slate-500">Inherited by</dt>
            <dd className="font-mono text-xs" data-testid="role-descendants">{role.descendants.join(", ") || "—"}</dd>
          </dl>
        </Card>
        <Card title="Inherits from">
          <RoleParentsEditor role={role.name} parents={role.parents} candidates={candidates} canWrite={canWrite} />
          {role.children.length > 0 ? (
            <p className="mt-4 text-sm text-slate-600">
              Roles that inherit from {role.name}: <span className="font-mono">{role.children.join(", ")}</span>. They gain whatever it gains.
            </p>
          ) : null}
        </Card>
      </div>
      <Card title="Effective scopes" className="mt-6">
        <p className="mb-3 text-sm text-slate-600">Own scopes plus everything inherited, each with the path that grants it.</p>
        {role.effectiveScopes.length === 0 ? (
          <p className="text-sm text-slate-500">This role grants nothing yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="role-effective-scopes">
            {role.effectiveScopes.map((s) => (
              <li key={s.scope} className="flex flex-wrap items-center justify-between gap-2 py-2" data-scope={s.scope}>
                <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-900">{s.scope}</code>
                <ReasonPath steps={s.path} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      {canWrite ? (
        <Card title="Edit" className="mt-6">
          <div className="space-y-6">
            <RoleDescriptionForm role={role.name} description={role.description} />
            <RoleScopesForm role={role.name} scopes={scopes} selected={role.scopes} inherited={inherited} />
          </div>
        </Card>
      ) : (
        <p className="mt-6 text-sm text-slate-500">You can read roles but not change them.</p>
      )}
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card title="Tools it unlocks">
          {role.tools.length === 0 ? (
            <p className="text-sm text-slate-500">No MCP tool requires a scope this role grants.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {role.tools.map((t) => (
                <li key={t.name}>
                  <code className="font-medium">{t.name}</code> <span className="text-xs text-slate-500">needs {t.requiredScope}</span>{" "}
                  <Link href={`/roles/${role.name}/tools/${encodeURIComponent(t.name)}`} className="text-xs text-brand-700 hover:underline" data-testid="tool-condition-link">
                    {t.condition ? `only when ${t.condition}` : "add a condition"}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-3 text-xs text-slate-500">A call also needs the client to be allowed the scope and the token to carry it.</p>
        </Card>
        <Card title="Held by">
          {role.users.length === 0 ? (
            <p className="text-sm text-slate-500">Nobody holds this role directly.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="role-users">
              {role.users.map((u) => (
                <li key={u.id}>
                  <Link href={`/users/${u.id}`} className="text-brand-700 hover:underline">{u.email}</Link>
                  {u.disabled ? <span className="ml-2"><Badge tone="red">disabled</Badge></span> : null}
                </li>
              ))}
            </ul>
          )}
          {role.indirectUserCount > 0 ? (
            <p className="mt-3 text-xs text-slate-500">
              {role.indirectUserCount} more user{role.indirectUserCount === 1 ? "" : "s"} get its scopes through a role that inherits it.
            </p>
          ) : null}
        </Card>
      </div>
    </>
  );
}
