import { notFound } from "next/navigation";
import { Forbidden } from "@/components/console/forbidden";
import Link from "next/link";
import { ReasonPath } from "@/components/console/reason-path";
import { RevokeGrantButton, RevokeUserGrantsForm } from "@/components/tokens/revoke-controls";
import { ResetPasswordForm } from "@/components/users/reset-password-form";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { Card, PageHeader } from "@/components/ui/page-header";
import { UserRoleControls, UserStatusControl } from "@/components/users/user-role-controls";
import { consoleUser } from "@/lib/auth/console-user";
import { loadUserDetail } from "@/lib/users/load-user-detail";

export const metadata = { title: "User" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await consoleUser();
  if (!me.scopes.has("users:read")) return <Forbidden message="You need the users:read scope to see users." />;
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const { user, roles } = await loadUserDetail(id);
  if (!user) notFound();
  const canWrite = me.scopes.has("users:write");
  const canRevoke = me.scopes.has("tokens:revoke");
  const liveGrants = user.grants.filter((g) => !g.revokedAt).length;
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
                <li key={s.scope} className="text-sm" data-scope={s.scope} title={s.reason}>
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-900">{s.scope}</code>
                  <div className="mt-1"><ReasonPath steps={s.path} /></div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      {canWrite && user.kind === "human" && user.id !== me.id ? (
        <Card title="Password" className="mt-6">
          <p className="mb-3 text-sm text-slate-600">
            Forgot it? Reset it to a temporary password, shown once here for you to hand over. They must choose their own when they next sign in.
          </p>
          <ResetPasswordForm userId={user.id} email={user.email} />
        </Card>
      ) : null}
      <Card title="Grants" className="mt-6">
        <p className="mb-3 text-sm text-slate-600">
          What this user let MCP clients do. Every token belongs to a grant; a revoked grant stops its tokens on their next call.
        </p>
        {canRevoke && liveGrants > 0 ? (
          <div className="mb-4 max-w-2xl">
            <RevokeUserGrantsForm userId={user.id} email={user.email} liveGrants={liveGrants} />
          </div>
        ) : null}
        {user.grants.length === 0 ? (
          <p className="text-sm text-slate-500">This user has not authorized any MCP client.</p>
        ) : (
          <div className="relative overflow-x-auto">
            <table className="w-full min-w-[760px] text-left text-sm" data-testid="user-grants">
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">Client</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Scopes</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Granted</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Last used</th>
                  <th scope="col" className="py-2 pr-4 font-medium text-right">Live tokens</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Status</th>
                  {canRevoke ? <th scope="col" className="py-2 pr-4 font-medium"><span className="sr-only">Revoke</span></th> : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {user.grants.map((g) => (
                  <tr key={g.id} className="align-top" data-testid={`grant-row-${g.id}`}>
                    <td className="py-2 pr-4">
                      <span className="font-medium">{g.clientName}</span>
                      {g.clientStatus !== "active" ? <span className="ml-2"><Badge tone="amber">client {g.clientStatus}</Badge></span> : null}
                      <div className="max-w-56 truncate font-mono text-xs text-slate-500" title={g.clientId}>{g.clientId}</div>
                      <div className="text-xs text-slate-500">{g.grantType.replace(/_/g, " ")}</div>
                    </td>
                    <td className="py-2 pr-4">
                      <div className="flex max-w-72 flex-wrap gap-1">
                        {g.scopes.map((s) => <code key={s} className="rounded bg-slate-100 px-1 text-xs">{s}</code>)}
                      </div>
                    </td>
                    <td className="py-2 pr-4 text-xs"><Time value={g.createdAt} /></td>
                    <td className="py-2 pr-4 text-xs"><Time value={g.lastUsedAt} /></td>
                    <td className="py-2 pr-4 text-right tabular-nums">{g.revokedAt ? "—" : g.liveAccessTokens}</td>
                    <td className="py-2 pr-4">
                      {g.revokedAt ? (
                        <>
                          <Badge tone="red">revoked</Badge>
                          <div className="mt-1 text-xs text-slate-500"><Time value={g.revokedAt} />{g.revokedReason ? ` · ${g.revokedReason}` : ""}</div>
                        </>
                      ) : (
                        <Badge tone="green">active</Badge>
                      )}
                    </td>
                    {canRevoke ? (
                      <td className="py-2 pr-4">{g.revokedAt ? null : <RevokeGrantButton grantId={g.id} clientName={g.clientName} userEmail={user.email} />}</td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {me.scopes.has("audit:read") ? (
          <p className="mt-3 text-xs">
            <Link href={`/audit?user=${encodeURIComponent(user.email)}`} className="text-brand-700 hover:underline">This user's events in the audit log →</Link>
            {me.scopes.has("tokens:read") ? (
              <>
                {" · "}
                <Link href={`/tokens?user=${encodeURIComponent(user.email)}`} className="text-brand-700 hover:underline">Their grants and tokens →</Link>
              </>
            ) : null}
          </p>
        ) : null}
      </Card>
    </>
  );
}
