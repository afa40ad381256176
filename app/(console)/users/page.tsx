import Link from "next/link";
import { Forbidden } from "@/components/console/forbidden";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { CreateUserForm } from "@/components/users/create-user-form";
import { consoleUser } from "@/lib/auth/console-user";
import { db } from "@/lib/db/client";
import { listRoles } from "@/lib/roles/list-roles";
import { listUsers } from "@/lib/users/list-users";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await consoleUser();
  if (!me.scopes.has("users:read")) return <Forbidden message="You need the users:read scope to see users." />;
  const [users, roles] = await Promise.all([listUsers(), listRoles(db())]);
  const canWrite = me.scopes.has("users:write");
  return (
    <>
      <PageHeader title="Users" description="People and service identities, their roles, and what those roles let them do." />
      <Card>
        {users.length === 0 ? (
          <p className="text-sm text-slate-600">No users yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="py-2 pr-4 font-medium">User</th>
                  <th className="py-2 pr-4 font-medium">Roles</th>
                  <th className="py-2 pr-4 font-medium">Status</th>
                  <th className="py-2 pr-4 font-medium">Last sign-in</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.map((u) => (
                  <tr key={u.id} data-testid={`user-row-${u.email}`}>
                    <td className="py-2 pr-4">
                      <Link href={`/users/${u.id}`} className="font-medium text-brand-700 hover:underline">{u.name}</Link>
                      <div className="text-xs text-slate-500">{u.email}{u.kind === "service" ? " · service identity" : ""}</div>
                    </td>
                    <td className="py-2 pr-4">
                      <div className="flex flex-wrap gap-1">
                        {u.roles.length ? u.roles.map((r) => <Badge key={r} tone="brand">{r}</Badge>) : <span className="text-slate-400">none</span>}
                      </div>
                    </td>
                    <td className="py-2 pr-4">{u.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">enabled</Badge>}</td>
                    <td className="py-2 pr-4 text-slate-600">{u.lastLoginAt ? u.lastLoginAt.toISOString().slice(0, 16).replace("T", " ") : "never"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {canWrite ? (
        <Card title="Create a user" className="mt-6">
          <CreateUserForm roles={roles.map((r) => ({ name: r.name, description: r.description }))} />
        </Card>
      ) : (
        <p className="mt-6 text-sm text-slate-500">You can read users but not change them.</p>
      )}
    </>
  );
}
