import Link from "next/link";
import { RevokeClientGrantsForm } from "@/components/clients/client-controls";
import { Forbidden } from "@/components/console/forbidden";
import { GrantDetail } from "@/components/tokens/grant-detail";
import { GrantFilters } from "@/components/tokens/grant-filters";
import { GrantsTable, type GrantTableRow } from "@/components/tokens/grants-table";
import { RevokeUserGrantsForm } from "@/components/tokens/revoke-controls";
import { Drawer } from "@/components/ui/drawer";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { consoleUser } from "@/lib/auth/console-user";
import { clientHref } from "@/lib/clients/client-path";
import { listClients } from "@/lib/clients/list-clients";
import { getGrant } from "@/lib/grants/get-grant";
import { GRANT_PAGE_SIZES, grantFilterSchema, listGrants, type GrantFilter } from "@/lib/grants/list-grants";
import { findUser } from "@/lib/users/find-user";

export const metadata = { title: "Tokens & grants" };

type SearchParams = Record<string, string | string[] | undefined>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tokensHref(filter: GrantFilter, changes: Partial<GrantFilter> & { grant?: string } = {}): string {
  const { grant, ...rest } = changes;
  const next = { ...filter, ...rest };
  const params = new URLSearchParams();
  for (const key of ["client", "user", "status", "expires"] as const) if (next[key]) params.set(key, next[key]!);
  if (next.sort !== "created") params.set("sort", next.sort);
  if (next.dir !== "desc") params.set("dir", next.dir);
  if (next.size !== 25) params.set("size", String(next.size));
  if (next.page > 1) params.set("page", String(next.page));
  if (grant) params.set("grant", grant);
  const query = params.toString();
  return query ? `/tokens?${query}` : "/tokens";
}

export default async function TokensPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const me = await consoleUser();
  if (!me.scopes.has("tokens:read")) return <Forbidden message="You need the tokens:read scope to see grants and tokens." />;
  const params = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const filter = grantFilterSchema.parse(params);
  const openId = params.grant && UUID.test(params.grant) ? params.grant : undefined;
  const canRevoke = me.scopes.has("tokens:revoke");
  const [page, opened, clients, user] = await Promise.all([
    listGrants(filter),
    openId ? getGrant(openId) : Promise.resolve(null),
    listClients({ limit: 1000 }),
    filter.user ? findUser(filter.user) : Promise.resolve(null),
  ]);
  const client = filter.client ? clients.find((c) => c.id === filter.client) : undefined;
  const filtered = Boolean(filter.client || filter.user || filter.status || filter.expires);
  const links = { clients: me.scopes.has("clients:read"), users: me.scopes.has("users:read"), audit: me.scopes.has("audit:read") };
  const rows: GrantTableRow[] = page.rows.map((g) => ({
    id: g.id,
    href: tokensHref(filter, { grant: g.id }),
    clientId: g.clientId,
    clientName: g.clientName,
    clientHref: links.clients ? clientHref(g.clientId) : null,
    clientStatus: g.clientStatus,
    userEmail: g.userEmail,
    userHref: links.users ? `/users/${g.userId}` : null,
    scopes: g.scopes,
    grantType: g.grantType,
    createdAt: g.createdAt.toISOString(),
    lastUsedAt: g.lastUsedAt?.toISOString() ?? null,
    expiresAt: g.expiresAt?.toISOString() ?? null,
    status: g.status,
    revokedAt: g.revokedAt?.toISOString() ?? null,
    revokedReason: g.revokedReason,
    liveAccessTokens: g.liveAccessTokens,
    liveRefreshTokens: g.liveRefreshTokens,
  }));

  return (
    <>
      <PageHeader
        title="Tokens & grants"
        description="A grant is one user's authorization of one MCP client; every access and refresh token belongs to one. Revoking a grant stops all its tokens on their next call."
      />
      <Card>
        <GrantFilters filter={filter} filtered={filtered} clients={clients.map((c) => ({ id: c.id, name: c.name }))} />
        {canRevoke && (client || user) ? (
          <div className="mb-4 grid gap-4 rounded-md border border-red-100 bg-red-50/40 p-4 md:grid-cols-2" data-testid="bulk-revoke">
            {client ? (
              <div>
                <h2 className="mb-2 text-sm font-medium text-slate-800">Every grant of client {client.name}</h2>
                <RevokeClientGrantsForm clientId={client.id} />
              </div>
            ) : null}
            {user ? (
              <div>
                <h2 className="mb-2 text-sm font-medium text-slate-800">Every grant of {user.email}</h2>
                <RevokeUserGrantsForm userId={user.id} email={user.email} />
              </div>
            ) : null}
          </div>
        ) : null}
        <GrantsTable
          rows={rows}
          canRevoke={canRevoke}
          open={opened?.id}
          empty={filtered ? "No grant matches these filters." : "No grants yet. They appear when someone authorizes an MCP client, or a client_credentials client gets a token."}
        />
        <Pagination page={page.page} pages={page.pages} total={page.total} size={page.size} sizes={GRANT_PAGE_SIZES} noun="grants" href={(changes) => tokensHref(filter, changes)} />
        {!canRevoke ? <p className="mt-4 text-sm text-slate-500">You can read grants and tokens but not revoke them.</p> : null}
        {filter.user && !user ? <p className="mt-2 text-sm text-slate-500">No user is {filter.user}.</p> : null}
      </Card>
      {openId ? (
        <Drawer title={opened ? `Grant of ${opened.userEmail} for ${opened.clientName}` : "Grant not found"} closeHref={tokensHref(filter)}>
          {opened ? <GrantDetail grant={opened} canRevoke={canRevoke} links={links} /> : <p className="text-sm text-slate-600">There is no grant {openId}. <Link href="/tokens" className="text-brand-700 hover:underline">All grants</Link></p>}
        </Drawer>
      ) : null}
    </>
  );
}
