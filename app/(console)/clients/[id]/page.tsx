import Link from "next/link";
import { notFound } from "next/navigation";
import { ClientStatusBadge, RiskBadge, sourceLabel } from "@/components/clients/client-badges";
import {
  ApproveClientForm,
  ClientScopesForm,
  ClientStatusForm,
  DeleteClientForm,
  RevokeClientGrantsForm,
} from "@/components/clients/client-controls";
import { DuplicateGroups, LookAlikeComparison, RedirectUriList, RiskSummary, ScopeComparison, StatusHistory } from "@/components/clients/client-evidence";
import { Forbidden } from "@/components/console/forbidden";
import { Badge } from "@/components/ui/badge";
import { Notice } from "@/components/ui/notice";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { consoleUser } from "@/lib/auth/console-user";
import { clientIdFromPathSegment } from "@/lib/clients/client-path";
import { getClientEvidence, type ClientEvidence } from "@/lib/clients/get-client-evidence";
import { loadApprovalChoices } from "@/lib/clients/load-approval-choices";
import { isAppError } from "@/lib/errors";
import { GRANT_TYPES } from "@/lib/oauth/constants";

export const metadata = { title: "Client" };

async function evidenceOf(id: string): Promise<ClientEvidence | null> {
  try {
    return await getClientEvidence(id);
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return null;
    throw error;
  }
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

const OUTCOMES: Record<string, string> = {
  approved: "Approved. It can obtain tokens now.",
  rejected: "Rejected. It will never obtain a token.",
  suspended: "Suspended: its tokens are refused from the next call. Its grants are kept.",
  reactivated: "Reactivated: the grants it kept count again.",
};

export default async function ClientPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const me = await consoleUser();
  if (!me.scopes.has("clients:read")) return <Forbidden message="You need the clients:read scope to see clients." />;
  const id = clientIdFromPathSegment((await params).id);
  if (!id) notFound();
  const evidence = await evidenceOf(id);
  if (!evidence) notFound();
  const { client, risks, duplicates, usage, history } = evidence;
  const changed = (await searchParams).changed;
  const outcome = typeof changed === "string" ? OUTCOMES[changed] : undefined;
  const canWrite = me.scopes.has("clients:write");
  const canRevoke = me.scopes.has("tokens:revoke");
  const { scopes, serviceUsers } = canWrite ? await loadApprovalChoices() : { scopes: [], serviceUsers: [] };
  const pickable = scopes.map((s) => ({ name: s.name, description: s.description }));
  const needsServiceUser = client.grantTypes.includes(GRANT_TYPES.clientCredentials);
  const since = client.statusChangedAt ? (
    <>
      {" "}
      <Time value={client.statusChangedAt} />
      {client.statusReason ? `: ${client.statusReason}` : ""}
    </>
  ) : null;
  const auditHref = me.scopes.has("audit:read") ? `/audit?${new URLSearchParams({ client: client.id })}` : undefined;
  const tokensHref = me.scopes.has("tokens:read") ? `/tokens?${new URLSearchParams({ client: client.id })}` : undefined;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/clients" className="text-brand-700 hover:underline">Clients</Link> <span className="text-slate-400">/</span> <span>{client.name}</span>
      </nav>
      <PageHeader
        title={client.name}
        actions={
          <div className="flex items-center gap-2" data-testid="client-status">
            <ClientStatusBadge status={client.status} />
            <RiskBadge risk={evidence.risk.rating} />
            <Badge>{sourceLabel(client.source)}</Badge>
          </div>
        }
      />
      <p className="-mt-4 mb-4 break-all font-mono text-xs text-slate-600" data-testid="client-id">{client.id}</p>
      <div className="mb-6">
        <RiskSummary risk={evidence.risk} />
      </div>

      {outcome ? (
        <div className="mb-3" data-testid="client-outcome">
          <Notice tone="success">{`${client.name}: ${outcome}`}</Notice>
        </div>
      ) : null}
      <div className="mb-6">
        {client.status === "pending" && evidence.pendingChange ? (
          <Notice tone="warning">
            <span data-testid="client-pending-change">
              Back in review since <Time value={evidence.pendingChange.at} />: once approved, it changed its metadata beyond what the approval covered (
              {evidence.pendingChange.unapproved.join(", ")}). Before: {evidence.pendingChange.before.redirectUris.join(" ") || "no redirect URIs"}. Now:{" "}
              {evidence.pendingChange.after.redirectUris.join(" ") || "no redirect URIs"}. Its users&apos; remembered consents were dropped; it obtains no token until approved again.
            </span>
          </Notice>
        ) : client.status === "pending" ? (
          <Notice tone="warning">
            Waiting for approval since <Time value={client.createdAt} />. Until someone approves it, it obtains no token and its users are told it awaits approval.
          </Notice>
        ) : client.status === "suspended" ? (
          <Notice tone="warning">Suspended{since}. Its tokens are refused; its grants are kept and count again if it is reactivated.</Notice>
        ) : client.status === "rejected" ? (
          <Notice tone="info">Rejected{since}. It never obtains a token.</Notice>
        ) : (
          <Notice tone="success">Active{since ? <> since{since}</> : null}.</Notice>
        )}
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card title="Redirect URIs">
            <RedirectUriList uris={client.redirectUris} risks={risks} />
          </Card>
          <Card title="Scopes: requested and allowed">
            <ScopeComparison requested={client.requestedScopes} allowed={client.allowedScopes} unknown={evidence.unknownRequestedScopes} />
            <p className="mt-3 text-xs text-slate-500">
              A token carries at most: what the user consents to ∩ what the user&apos;s roles grant ∩ this allow-list. Write scopes come only from an admin.
            </p>
          </Card>
          <Card title="Look-alike registrations">
            <LookAlikeComparison profiles={evidence.comparison} />
            <div className={evidence.comparison.length ? "mt-4" : undefined}>
              <DuplicateGroups groups={duplicates} />
            </div>
          </Card>
          <Card title="Status history">
            <StatusHistory entries={history} auditHref={auditHref} />
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          <Card title="Registration">
            <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2 text-sm" data-testid="client-registration">
              <Row label="Source">{sourceLabel(client.source)}</Row>
              <Row label="Registered"><Time value={client.createdAt} /></Row>
              <Row label="From IP">{client.registrationIp ? <code className="text-xs">{client.registrationIp}</code> : <span className="text-slate-400">unknown</span>}</Row>
              <Row label="Authentication">
                {client.tokenEndpointAuthMethod}
                {client.hasSecret ? <span className="text-xs text-slate-500"> (secret stored hashed)</span> : null}
              </Row>
              <Row label="Grant types">{client.grantTypes.join(", ") || "—"}</Row>
              {client.clientUri ? <Row label="Website"><span className="break-all text-xs">{client.clientUri}</span></Row> : null}
              {client.softwareId || client.softwareVersion ? (
                <Row label="Software">{[client.softwareId, client.softwareVersion].filter(Boolean).join(" ")}</Row>
              ) : null}
              {client.source === "cimd" ? (
                <>
                  <Row label="Document fetched"><Time value={client.metadataFetchedAt} /></Row>
                  <Row label="Fresh until"><Time value={client.metadataExpiresAt} /></Row>
                </>
              ) : null}
              {client.serviceUser ? (
                <Row label="Acts as">
                  <Link href={`/users/${client.serviceUser.id}`} className="text-brand-700 hover:underline">{client.serviceUser.email}</Link>
                </Row>
              ) : null}
              {client.statusChangedBy ? <Row label="Status set by">{client.statusChangedBy}</Row> : null}
            </dl>
          </Card>
          <Card title="Usage">
            <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2 text-sm" data-testid="client-usage">
              <Row label="Last used"><Time value={client.lastUsedAt} /></Row>
              <Row label="Grants"><span className="tabular-nums">{usage.liveGrants} live of {usage.grants}</span></Row>
              <Row label="Tokens issued"><span className="tabular-nums">{usage.accessTokens.toLocaleString("en")} ({usage.liveAccessTokens} live)</span></Row>
              <Row label="First token"><Time value={usage.firstTokenAt} /></Row>
              <Row label="Latest token"><Time value={usage.lastTokenAt} /></Row>
            </dl>
            {tokensHref ? (
              <p className="mt-3 text-xs"><Link href={tokensHref} className="text-brand-700 hover:underline">Its grants and tokens →</Link></p>
            ) : null}
          </Card>
          {canWrite && client.status === "pending" ? (
            <Card title="Reject">
              <ClientStatusForm clientId={client.id} verb="reject" />
            </Card>
          ) : null}
          {canWrite && client.status === "active" ? (
            <Card title="Suspend">
              <p className="mb-3 text-sm text-slate-600">Stops it at once, reversibly: its grants are kept.</p>
              <ClientStatusForm clientId={client.id} verb="suspend" />
            </Card>
          ) : null}
          {canWrite && client.status === "suspended" ? (
            <Card title="Reactivate">
              <ClientStatusForm clientId={client.id} verb="reactivate" />
            </Card>
          ) : null}
        </div>
      </div>

      {canWrite && client.status === "pending" ? (
        <Card title="Approve" className="mt-6">
          <ApproveClientForm
            clientId={client.id}
            scopes={pickable}
            allowed={client.allowedScopes}
            requested={client.requestedScopes}
            serviceUsers={serviceUsers.map((u) => ({ id: u.id, email: u.email }))}
            needsServiceUser={needsServiceUser}
            currentServiceUser={client.serviceUser?.id ?? null}
          />
        </Card>
      ) : null}
      {canWrite && (client.status === "active" || client.status === "suspended") ? (
        <Card title="Allowed scopes" className="mt-6">
          <p className="mb-3 text-sm text-slate-600">The most it may ever receive. A scope removed here is refused from the next call, even in tokens already issued.</p>
          <ClientScopesForm clientId={client.id} scopes={pickable} allowed={client.allowedScopes} requested={client.requestedScopes} />
        </Card>
      ) : null}
      {canWrite || canRevoke ? (
        <Card title="Revoke and delete" className="mt-6">
          <div className="grid gap-6 md:grid-cols-2">
            {canRevoke ? (
              <div>
                <h3 className="mb-1 text-sm font-medium text-slate-800">Revoke every grant</h3>
                <p className="mb-3 text-sm text-slate-600">Ends every user&apos;s authorization of this client; the client stays {client.status}.</p>
                {usage.liveGrants > 0 ? (
                  <RevokeClientGrantsForm clientId={client.id} liveGrants={usage.liveGrants} />
                ) : (
                  <p className="text-sm text-slate-500">It holds no live grant.</p>
                )}
              </div>
            ) : null}
            {canWrite ? (
              <div>
                <h3 className="mb-1 text-sm font-medium text-slate-800">Delete</h3>
                <p className="mb-3 text-sm text-slate-600">Removes the registration with its grants and tokens. Only the audit log remembers it.</p>
                <DeleteClientForm clientId={client.id} name={client.name} />
              </div>
            ) : null}
          </div>
        </Card>
      ) : (
        <p className="mt-6 text-sm text-slate-500">You can read clients but not change them.</p>
      )}
    </>
  );
}
