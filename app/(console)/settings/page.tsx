import { Forbidden } from "@/components/console/forbidden";
import { AddTrustedIdpForm, TrustedIdpTable } from "@/components/idps/trusted-idps";
import { RegistrationPolicyForm, RotateKeysButton, TokenLifetimesForm, WorkosLinkingForm } from "@/components/settings/settings-forms";
import { WorkosSsoSection } from "@/components/settings/workos-sso-section";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { consoleUser } from "@/lib/auth/console-user";
import { env } from "@/lib/env";
import { loadTrustedIdps } from "@/lib/idps/load-trusted-idps";
import { loadSettingsOverview } from "@/lib/settings/load-settings-overview";
import { registrationPolicyToForm } from "@/lib/settings/registration-policy-form";
import { TOKEN_LIFETIME_BOUNDS } from "@/lib/settings/token-lifetimes";

export const metadata = { title: "Settings" };

/** 600 → "10 minutes", 2592000 → "30 days". */
function duration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${name}${seconds / size === 1 ? "" : "s"}`;
  }
  return `${seconds} seconds`;
}

function List({ items, empty }: { items: string[]; empty: string }) {
  if (items.length === 0) return <span className="text-slate-500">{empty}</span>;
  return <span className="flex flex-wrap gap-1">{items.map((i) => <code key={i} className="rounded bg-slate-100 px-1 text-xs">{i}</code>)}</span>;
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

export default async function SettingsPage() {
  const me = await consoleUser();
  if (!me.scopes.has("settings:read")) return <Forbidden message="You need the settings:read scope to see settings." />;
  const canWrite = me.scopes.has("settings:write");
  const config = env();
  const { policy, lifetimes, keys, scopes, linking } = await loadSettingsOverview({ withScopes: canWrite });
  const idps = await loadTrustedIdps();
  const domains = policy.autoApprove.flatMap((r) => (r.kind === "cimd_domain" ? [r.domain] : []));
  const hosts = policy.autoApprove.flatMap((r) => (r.kind === "redirect_host" ? [r.host] : []));

  return (
    <>
      <PageHeader title="Settings" description="How clients may register, how long tokens live, and the keys that sign them. Every change is audited and applies from the next request." />
      <Card title="Deployment">
        <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-2 text-sm" data-testid="deployment">
          <Row label="Issuer (base URL)"><code className="text-xs">{config.issuer}</code></Row>
          <Row label="MCP resource"><code className="text-xs">{config.mcpResource}</code></Row>
          <Row label="Issuer mode"><Badge tone="brand">{config.issuerMode}</Badge></Row>
          <Row label="Database">{config.embedded ? "embedded (PGlite)" : "PostgreSQL"}</Row>
        </dl>
        <p className="mt-3 text-xs text-slate-500">Set by the environment (PORTCULLIS_BASE_URL, PORTCULLIS_ISSUER_MODE, DATABASE_URL); changing them needs a restart.</p>
      </Card>

      <Card title="Registration policy" className="mt-6">
        {canWrite ? (
          <RegistrationPolicyForm values={registrationPolicyToForm(policy)} scopes={scopes.map((s) => ({ name: s.name, description: s.description }))} />
        ) : (
          <dl className="grid grid-cols-[12rem_1fr] gap-x-4 gap-y-2 text-sm" data-testid="registration-policy">
            <Row label="Allowed redirect hosts"><List items={policy.redirectUris.allowedHosts} empty="any host" /></Row>
            <Row label="Denied redirect hosts"><List items={policy.redirectUris.deniedHosts} empty="none" /></Row>
            <Row label="Loopback redirects">{policy.redirectUris.allowLoopback ? "allowed" : "refused"}</Row>
            <Row label="Auto-approve domains"><List items={domains} empty="none" /></Row>
            <Row label="Auto-approve redirect hosts"><List items={hosts} empty="none" /></Row>
            <Row label="Rate limit">{policy.registrationRateLimit.max} registrations per address per {duration(policy.registrationRateLimit.windowSeconds)}</Row>
            <Row label="Pending-client cap">{policy.maxPendingClients}</Row>
            <Row label="Default scopes"><List items={policy.defaultScopes} empty="none" /></Row>
          </dl>
        )}
      </Card>

      <Card title="Token lifetimes" className="mt-6">
        <p className="mb-3 text-sm text-slate-600">
          Now: access tokens live <strong data-testid="access-lifetime">{duration(lifetimes.accessTokenSeconds)}</strong>, refresh tokens{" "}
          <strong>{duration(lifetimes.refreshTokenSeconds)}</strong>. Tokens already issued keep their lifetime.
        </p>
        {canWrite ? (
          <TokenLifetimesForm
            access={lifetimes.accessTokenSeconds}
            refresh={lifetimes.refreshTokenSeconds}
            bounds={{
              access: [TOKEN_LIFETIME_BOUNDS.accessTokenSeconds.min, TOKEN_LIFETIME_BOUNDS.accessTokenSeconds.max],
              refresh: [TOKEN_LIFETIME_BOUNDS.refreshTokenSeconds.min, TOKEN_LIFETIME_BOUNDS.refreshTokenSeconds.max],
            }}
          />
        ) : null}
      </Card>

      <Card title="Single sign-on with WorkOS" className="mt-6">
        <WorkosSsoSection issuerMode={config.issuerMode} consoleSignIn={config.workos.consoleSignIn} />
      </Card>

      <Card title="WorkOS account linking" className="mt-6">
        {canWrite ? (
          <WorkosLinkingForm domains={linking.autoLinkEmailDomains} />
        ) : (
          <dl className="grid grid-cols-[12rem_1fr] gap-x-4 gap-y-2 text-sm" data-testid="workos-linking">
            <Row label="Domains that link automatically"><List items={linking.autoLinkEmailDomains} empty="none: an admin links every account" /></Row>
          </dl>
        )}
      </Card>

      <Card title="Enterprise identity providers (ID-JAG)" className="mt-6">
        <p className="mb-3 max-w-2xl text-sm text-slate-600">
          An identity provider trusted here may vouch for its users with ID-JAGs (enterprise-managed authorization): an approved client redeems one
          for a token without a consent screen, limited to the user&apos;s roles and the client&apos;s allow-list. Every acceptance and refusal is audited.
        </p>
        <TrustedIdpTable idps={idps} canWrite={canWrite} />
        {canWrite ? <AddTrustedIdpForm /> : null}
      </Card>

      <Card title="Signing keys" className="mt-6">
        <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
          <p className="max-w-2xl text-sm text-slate-600">
            ES256 keys; the private halves are stored encrypted. After a rotation the previous key stays in the JWKS until the last token it signed has
            expired, so no client sees a token fail.
          </p>
          {canWrite ? <RotateKeysButton /> : null}
        </div>
        <div className="overflow-x-auto">
          <table className="w-full min-w-[640px] text-left text-sm" data-testid="signing-keys">
            <caption className="sr-only">Signing keys, newest first</caption>
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">Key id (kid)</th>
                <th scope="col" className="py-2 pr-4 font-medium">State</th>
                <th scope="col" className="py-2 pr-4 font-medium">Created</th>
                <th scope="col" className="py-2 pr-4 font-medium">Retired</th>
                <th scope="col" className="py-2 pr-4 font-medium">Published until</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.map((k) => (
                <tr key={k.kid} data-kid={k.kid} data-state={k.state}>
                  <td className="py-2 pr-4"><code className="break-all text-xs">{k.kid}</code> <span className="text-xs text-slate-500">{k.alg}</span></td>
                  <td className="py-2 pr-4">
                    <Badge tone={k.state === "active" ? "green" : k.state === "published" ? "amber" : "neutral"}>
                      {k.state === "active" ? "signing" : k.state === "published" ? "retired, still published" : "retired"}
                    </Badge>
                  </td>
                  <td className="py-2 pr-4 text-xs"><Time value={k.createdAt} /></td>
                  <td className="py-2 pr-4 text-xs"><Time value={k.retiredAt} empty="—" /></td>
                  <td className="py-2 pr-4 text-xs">{k.state === "active" ? <span className="text-slate-400">while signing</span> : <Time value={k.publishUntil} empty="—" />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {!canWrite ? <p className="mt-6 text-sm text-slate-500">You can read settings but not change them.</p> : null}
    </>
  );
}
