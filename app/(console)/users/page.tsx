import Link from "next/link";
import { Forbidden } from "@/components/console/forbidden";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { CreateUserForm } from "@/components/users/create-user-form";
import { consoleUser } from "@/lib/auth/console-user";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { Time } from "@/components/ui/time";
import { Pagination } from "@/components/ui/pagination";
import { defaultUserSortDir, USER_PAGE_SIZES, userPageSchema, type UserPageQuery, type UserSortKey } from "@/lib/users/list-user-page";
import { loadUserDirectory } from "@/lib/users/load-user-directory";

/** The users page's URL for a query, defaults left out, with changes applied. */
function usersHref(query: UserPageQuery, changes: Partial<UserPageQuery> = {}): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const key of ["q", "kind", "role", "status"] as const) if (next[key]) params.set(key, next[key]!);
  if (next.sort !== "email") params.set("sort", next.sort);
  if (next.dir) params.set("dir", next.dir);
  if (next.size !== 25) params.set("size", String(next.size));
  if (next.page > 1) params.set("page", String(next.page));
  const text = params.toString();
  return text ? `/users?${text}` : "/users";
}

function SortHeader({ label, sortKey, query }: { label: string; sortKey: UserSortKey; query: UserPageQuery }) {
  const active = query.sort === sortKey ? (query.dir ?? defaultUserSortDir(sortKey)) : null;
  const next = active === "asc" ? "desc" : active === "desc" ? "asc" : undefined;
  return (
    <th scope="col" className="py-2 pr-4 font-medium" aria-sort={active === "asc" ? "ascending" : active === "desc" ? "descending" : undefined}>
      <Link href={usersHref(query, { sort: sortKey, dir: next, page: 1 })} className="inline-flex items-center gap-1 hover:text-slate-800">
        {label}
        <span aria-hidden className="w-3 text-slate-700">{active === "asc" ? "↑" : active === "desc" ? "↓" : ""}</span>
      </Link>
    </th>
  );
}

export const metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await consoleUser();
  if (!me.scopes.has("users:read")) return <Forbidden message="You need the users:read scope to see users." />;
  const filter = userPageSchema.parse(Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const filtered = Boolean(filter.q || filter.role || filter.status || filter.kind);
  const { users: page, roles } = await loadUserDirectory(filter);
  const users = page.rows;
  const canWrite = me.scopes.has("users:write");
  return (
    <>
      <PageHeader title="Users" description="People and service identities, their roles, and what those roles let them do." />
      <Card>
        <form key={usersHref(filter)} method="get" role="search" aria-label="Filter users" className="mb-4 flex flex-wrap items-end gap-3">
          <div className="min-w-48 flex-1 text-sm">
            <label htmlFor="users-q" className="mb-1 block font-medium text-slate-700">Search</label>
            <Input id="users-q" name="q" type="search" defaultValue={filter.q ?? ""} placeholder="Name or email" />
          </div>
          <div className="text-sm">
            <label htmlFor="users-kind" className="mb-1 block font-medium text-slate-700">Kind</label>
            <Select id="users-kind" name="kind" defaultValue={filter.kind ?? ""}>
              <option value="">People and services</option>
              <option value="human">People</option>
              <option value="service">Service identities</option>
            </Select>
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
          {filter.sort !== "email" ? <input type="hidden" name="sort" value={filter.sort} /> : null}
          {filter.dir ? <input type="hidden" name="dir" value={filter.dir} /> : null}
          {filter.size !== 25 ? <input type="hidden" name="size" value={filter.size} /> : null}
          <Button type="submit" variant="secondary">Filter</Button>
          {filtered ? <Link href="/users" className="py-2 text-sm text-brand-700 hover:underline">Clear</Link> : null}
        </form>
        {users.length === 0 ? (
          <p className="text-sm text-slate-600">{filtered ? "No user matches these filters." : "No users yet."}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[640px] text-left text-sm" data-testid="users-table">
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <SortHeader label="User" sortKey="email" query={filter} />
                  <th scope="col" className="py-2 pr-4 font-medium">Roles</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Status</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Active grants</th>
                  <SortHeader label="Last sign-in" sortKey="lastLogin" query={filter} />
                  <SortHeader label="Created" sortKey="created" query={filter} />
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
                    <td className="py-2 pr-4 text-slate-600"><Time value={u.createdAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={page.page} pages={page.pages} total={page.total} size={page.size} sizes={USER_PAGE_SIZES} noun="users" href={(changes) => usersHref(filter, changes)} />
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
