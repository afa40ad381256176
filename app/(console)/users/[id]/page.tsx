import { notFound } from "next/navigation";
import { Forbidden } from "@/components/console/forbidden";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { UserRoleControls, UserStatusControl } from "@/components/users/user-role-controls";
import { consoleUser } from "@/lib/auth/console-user";
import { db } from "@/lib/db/client";
import { listRoles } from "@/lib/roles/list-roles";
import { getUserAccess } from "@/lib/users/get-user-access";

export const metadata = { title: "User" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await consoleUser();
  if (!me.scopes.has("users:read")) return <Forbidden message="You need the users:read scope to see users." />;
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const [user, roles] = await Promise.all([getUserAccess(id), listRoles(db())]);
  if (!user) notFound();
  const canWrite = me.scopes.has("users:write");
  return (
    <>
      <PageHeader
        title={user.name}
        description={`${user.email} · ${user.kind === "service" ? "service identity" : "person"} · created ${user.createdAt.toISOString().slice(0, 10)}`}
        actions={
          <div className="flex items-center gap-3">
            {user.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">enabled</Badge>}
            {canWrite && user.id !== me.id ? <UserStatusControl userId={user.id} disabled={user.disabled} /> : null}
          </div>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Roles">
          <UserRoleControls userId={user.id} roles={user.roles} availableRoles={roles.map((r) => r.name)} canWrite={canWrite} />
        </Card>
        <Card title="Effective scopes">
          {user.effectiveScopes.length === 0 ? (
            <p className="text-sm text-slate-500">None.</p>
          ) : (
            <ul className="space-y-2" data-testid="effective-scopes">
              {user.effectiveScopes.map((s) => (
                <li key={s.scope} className="text-sm">
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-900">{s.scope}</code>
                  <div className="mt-0.5 text-xs text-slate-500">{s.reason}</div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title="Grants" className="mt-6">
        {user.grants.length === 0 ? (
          <p className="text-sm text-slate-500">This user has not authorized any MCP client.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {user.grants.map((g) => (
              <li key={g.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span className="font-medium">{g.clientName}</span>
                <span className="text-xs text-slate-500">{g.scopes.join(" ")}</span>
                {g.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
