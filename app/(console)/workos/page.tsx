import { Forbidden } from "@/components/console/forbidden";
import { Badge } from "@/components/ui/badge";
import { Notice } from "@/components/ui/notice";
import { Card, PageHeader } from "@/components/ui/page-header";
import { LiftRevocationButton, RevokeAuthkitForm } from "@/components/workos/deny-list-controls";
import { AddRoleMappingForm, RemoveRoleMappingButton } from "@/components/workos/role-mapping-controls";
import { consoleUser, requireScope } from "@/lib/auth/console-user";
import { isAppError } from "@/lib/errors";
import { loadWorkosSettings } from "@/lib/workos/load-workos-settings";
import { workosOverview } from "@/lib/workos/workos-overview";

export const metadata = { title: "WorkOS" };

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-3">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="text-sm text-slate-900 sm:col-span-2">{children}</dd>
    </div>
  );
}

export default async function WorkosPage() {
  try {
    await requireScope("policy:read", "view WorkOS settings");
  } catch (error) {
    if (isAppError(error) && error.code === "forbidden") return <Forbidden message={error.message} />;
    throw error;
  }
  const me = await consoleUser();
  const overview = workosOverview();
  const canReadTokens = me.scopes.has("tokens:read");
  const { mappings, roles, revocations } = await loadWorkosSettings({ withRevocations: canReadTokens });
  const canMap = me.scopes.has("policy:write");
  const canRevoke = me.scopes.has("tokens:revoke");
  const code = (text: string) => <code className="rounded bg-slate-100 px-1 py-0.5 text-xs">{text}</code>;
  return (
    <>
      <PageHeader
        title="WorkOS"
        description="When AuthKit issues the tokens, Portcullis still decides: which clients may connect, what WorkOS roles mean here, and which tokens are refused. Every decision lands in the same audit log."
      />
      {overview.issuerMode === "builtin" ? (
        <div className="mb-6">
          <Notice>Portcullis issues its own tokens (issuer mode builtin). Mappings and the deny-list below apply once the issuer mode is authkit or bridge.</Notice>
        </div>
      ) : null}
      <Card title="Issuer">
        <dl className="divide-y divide-slate-100" data-testid="workos-issuer">
          <Row label="Issuer mode"><Badge tone="brand">{overview.issuerMode}</Badge></Row>
          <Row label="Authorization server (metadata)">{overview.authorizationServers.map((s) => <div key={s}>{code(s)}</div>)}</Row>
          <Row label="Token audience expected">{code(overview.resource)}{overview.allowClientAudience ? " or the client's own id (legacy clients)" : ""}</Row>
          {overview.jwksUrl ? <Row label="AuthKit signing keys">{code(overview.jwksUrl)}</Row> : null}
          <Row label="Token scopes">{overview.scopeMode === "token" ? "must include the tool's scope" : "not used: roles ∩ the client's allow-list decide"}</Row>
          {overview.loginUri ? <Row label="Login URI (set in WorkOS)">{code(overview.loginUri)}</Row> : null}
          <Row label="Console sign-in with WorkOS">{overview.consoleSignIn ? <>on — redirect URI {code(overview.consoleRedirectUri)}</> : "off"}</Row>
        </dl>
      </Card>

      <Card title="Role mappings" className="mt-6">
        <p className="mb-4 text-sm text-slate-600">
          A caller whose AuthKit token carries a mapped WorkOS role or permission holds the local role for MCP calls, on top of their own roles.
          Console access is unaffected.
        </p>
        {mappings.length === 0 ? (
          <p className="text-sm text-slate-500">No mappings: WorkOS roles grant nothing here.</p>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Role mappings">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="py-2 pr-4 font-medium">WorkOS</th>
                <th className="py-2 pr-4 font-medium">Local role</th>
                <th className="py-2 pr-4 font-medium" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {mappings.map((m) => {
                const label = `workos ${m.externalKind} ${m.externalName} → ${m.role}`;
                return (
                  <tr key={m.id} data-testid={`mapping-${m.externalKind}-${m.externalName}-${m.role}`}>
                    <td className="py-2 pr-4">{m.externalKind} {code(m.externalName)}</td>
                    <td className="py-2 pr-4"><Badge tone="brand">{m.role}</Badge></td>
                    <td className="py-2 pr-4 text-right">{canMap ? <RemoveRoleMappingButton id={m.id} label={label} /> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {canMap ? (
          <div className="mt-6 border-t border-slate-100 pt-4">
            <AddRoleMappingForm roles={roles.map((r) => r.name)} />
          </div>
        ) : (
          <p className="mt-4 text-sm text-slate-500">You can read mappings but not change them.</p>
        )}
      </Card>

      {canReadTokens ? (
        <Card title="Deny-list for AuthKit tokens" className="mt-6">
          {revocations.length === 0 ? (
            <p className="text-sm text-slate-500">Nothing revoked.</p>
          ) : (
            <table className="w-full text-left text-sm" aria-label="Revocations">
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="py-2 pr-4 font-medium">Revoked</th>
                  <th className="py-2 pr-4 font-medium">Reason</th>
                  <th className="py-2 pr-4 font-medium">By</th>
                  <th className="py-2 pr-4 font-medium">When</th>
                  <th className="py-2 pr-4 font-medium" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {revocations.map((r) => (
                  <tr key={r.id} data-testid={`revocation-${r.kind}-${r.value}`}>
                    <td className="py-2 pr-4">{r.kind} {code(r.value)}</td>
                    <td className="py-2 pr-4 text-slate-600">{r.reason ?? "—"}</td>
                    <td className="py-2 pr-4 text-slate-600">{r.createdBy ?? "—"}</td>
                    <td className="py-2 pr-4 text-slate-600">{r.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                    <td className="py-2 pr-4 text-right">{canRevoke ? <LiftRevocationButton id={r.id} label={`${r.kind} ${r.value}`} /> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {canRevoke ? (
            <div className="mt-6 border-t border-slate-100 pt-4">
              <RevokeAuthkitForm />
            </div>
          ) : (
            <p className="mt-4 text-sm text-slate-500">You can read the deny-list but not change it.</p>
          )}
        </Card>
      ) : null}
    </>
  );
}
