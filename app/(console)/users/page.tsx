import Link from "next/link";
import { Forbidden } from "@/components/console/forbidden";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { CreateUserForm } from "@/components/users/create-user-form";
import { consoleUser } from "@/lib/auth/console-user";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { Time } from "@/components/ui/time";
import { userFilterSchema } from "@/lib/users/list-users";
import { loadUserDirectory } from "@/lib/users/load-user-directory";

export const metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await consoleUser();
  if (!me.scopes.has("users:read")) return <Forbidden message="You need the users:read scope to see users." />;
  const filter = userFilterSchema.parse(Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const filtered = Boolean(filter.q || filter.role || filter.status || filter.kind);
  const { users, roles } = await loadUserDirectory(filter);
  const canWrite = me.scopes.has("users:write");
  return (
    <>
      <PageHeader title="Users" description="People and service identities, their roles, and what those roles let them do." />
      <Card>
        <form method="get" role="search" aria-label="Filter users" className="mb-4 flex flex-wrap items-end gap-3">
          <div className="min-w-48 flex-1 text-sm">
            <label htmlFor="users-q" className="mb-1 block font-medium text-slate-700">Search</label>
            <Input id="users-q" name="q" type="search" defaultValue={filter.q ?? ""} placeholder="Name or email" />
          </div>
          <div className="text-sm">
            <label htmlFor="users-role" className="mb-1 block font-medium text-slate-700">Role</label>
            <Select id="users-role" name="role" defaultValue={filter.role ?? ""}>
              <option value="">Any role</option>
              {roles.map((r) => (
                <option key={r.id} value={r.name}>{r.name}</option>
              ))}
            </Select>
          </div>
          <div className="text-sm">
            <label htmlFor="users-status" className="mb-1 block font-medium text-slate-700">Status</label>
            <Select id="users-status" name="status" defaultValue={filter.status ?? ""}>
              <option value="">Any status</option>
              <option value="enabled">Enabled</option>
              <option value="disabled">Disabled</option>
            </Select>
          </div>
          <Button type="submit" variant="secondary">Filter</Button>
          {filtered ? <Link href="/users" className="py-2 text-sm text-brand-700 hover:underline">Clear</Link> : null}
        </form>
        {users.length === 0 ? (
          <p className="text-sm text-slate-600">{filtered ? "No user matches these filters." : "No users yet."}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[640px] text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="py-2 pr-4 font-medium">User</th>
                  <th className="py-2 pr-4 font-medium">Roles</th>
                  <th className="py-2 pr-4 font-medium">Status</th>
                  <th className="py-2 pr-4 font-medium">Active grants</th>
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
                    <td className="py-2 pr-4 tabular-nums">{u.activeGrants}</td>
                    <td className="py-2 pr-4 text-slate-600"><Time value={u.lastLoginAt} /></td>
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
