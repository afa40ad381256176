import Link from "next/link";
import { RevokeGrantButton, RevokeTokenButton } from "@/components/tokens/revoke-controls";
import { Badge } from "@/components/ui/badge";
import { GrantStatusBadge } from "@/components/tokens/grant-status-badge";
import { Time } from "@/components/ui/time";
import { clientHref } from "@/lib/clients/client-path";
import type { GrantDetail as Grant } from "@/lib/grants/get-grant";

/** One grant in the drawer: who let which client do what, and its unexpired access tokens, each revocable. */
export function GrantDetail({ grant, canRevoke, links }: { grant: Grant; canRevoke: boolean; links: { clients: boolean; users: boolean; audit: boolean } }) {
  const now = Date.now();
  return (
    <div className="space-y-5 text-sm" data-testid="grant-detail">
      <div className="flex flex-wrap items-center gap-2">
        <GrantStatusBadge status={grant.status} />
        <span className="font-mono text-xs text-slate-500">{grant.id}</span>
      </div>
      <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2">
        <dt className="text-slate-500">Client</dt>
        <dd className="min-w-0 break-all">{links.clients ? <Link href={clientHref(grant.clientId)} className="text-brand-700 hover:underline">{grant.clientName}</Link> : grant.clientName} <code className="text-xs text-slate-500">{grant.clientId}</code></dd>
        <dt className="text-slate-500">User</dt>
        <dd className="min-w-0 break-all">{links.users ? <Link href={`/users/${grant.userId}`} className="text-brand-700 hover:underline">{grant.userEmail}</Link> : grant.userEmail}{grant.userKind === "service" ? " (service identity)" : ""}</dd>
        <dt className="text-slate-500">Scopes</dt>
        <dd className="flex flex-wrap gap-1">{grant.scopes.map((s) => <code key={s} className="rounded bg-slate-100 px-1 text-xs">{s}</code>)}</dd>
        <dt className="text-slate-500">Resource</dt>
        <dd className="break-all text-xs">{grant.resource}</dd>
        <dt className="text-slate-500">Grant type</dt>
        <dd>{grant.grantType.replace(/_/g, " ")}</dd>
        <dt className="text-slate-500">Granted</dt>
        <dd><Time value={grant.createdAt} seconds /></dd>
        <dt className="text-slate-500">Last used</dt>
        <dd><Time value={grant.lastUsedAt} seconds /></dd>
        <dt className="text-slate-500">Usable until</dt>
        <dd><Time value={grant.expiresAt} seconds empty="—" /></dd>
        {grant.revokedAt ? (
          <>
            <dt className="text-slate-500">Revoked</dt>
            <dd><Time value={grant.revokedAt} seconds />{grant.revokedReason ? ` · ${grant.revokedReason}` : ""}</dd>
          </>
        ) : null}
        <dt className="text-slate-500">Refresh tokens</dt>
        <dd>{grant.liveRefreshTokens} live</dd>
      </dl>
      {canRevoke && grant.status !== "revoked" ? <RevokeGrantButton grantId={grant.id} clientName={grant.clientName} userEmail={grant.userEmail} /> : null}
      <section>
        <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Unexpired access tokens</h3>
        {grant.accessTokens.length === 0 ? (
          <p className="text-slate-500">None: every access token of this grant has expired.</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="grant-tokens">
            {grant.accessTokens.map((t) => (
              <li key={t.jti} className="flex flex-wrap items-center justify-between gap-2 py-2" data-jti={t.jti}>
                <div className="min-w-0">
                  <code className="break-all text-xs">{t.jti}</code>
                  <div className="text-xs text-slate-500">
                    issued <Time value={t.issuedAt} seconds /> · expires <Time value={t.expiresAt} seconds />
                    {t.expiresAt.getTime() < now ? " (expired)" : ""}
                  </div>
                </div>
                {t.revokedAt ? <Badge tone="red">revoked</Badge> : canRevoke && grant.status !== "revoked" ? <RevokeTokenButton jti={t.jti} /> : <Badge tone="green">live</Badge>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {links.audit ? (
        <p className="text-xs">
          <Link href={`/audit?${new URLSearchParams({ client: grant.clientId, user: grant.userId })}`} className="text-brand-700 hover:underline">This grant&apos;s client and user in the audit log →</Link>
        </p>
      ) : null}
    </div>
  );
}
