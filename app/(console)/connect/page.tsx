import { ConfigSnippet } from "@/components/connect/config-snippet";
import { OwnGrants } from "@/components/connect/own-grants";
import { RegistrationPaths } from "@/components/connect/registration-paths";
import { RememberedConsents } from "@/components/connect/remembered-consents";
import { Forbidden } from "@/components/console/forbidden";
import { CopyButton } from "@/components/ui/copy-button";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { callableTools } from "@/lib/connect/callable-tools";
import { clientConfigurations } from "@/lib/connect/client-configurations";
import { gatewayEndpoints } from "@/lib/connect/gateway-endpoints";
import { env } from "@/lib/env";
import { ENDPOINT_PATHS } from "@/lib/oauth/constants";
import { listOwnConsents } from "@/lib/consents/list-own-consents";
import { grantFilterSchema, listGrants } from "@/lib/grants/list-grants";

export const metadata = { title: "Connect" };

export default async function ConnectPage() {
  const me = await consoleUser();
  if (!me.scopes.has("account:read")) return <Forbidden message="You need the account:read scope to connect MCP clients." />;
  const { mcpResource, issuerMode, issuer } = env();
  const ownGrants = me.scopes.has("grants:own");
  const [callable, grants, consents, endpoints] = await Promise.all([
    callableTools(me.scopes),
    ownGrants ? listGrants(grantFilterSchema.parse({ user: me.id, size: "100" })) : Promise.resolve(null),
    ownGrants ? listOwnConsents(me.id) : Promise.resolve(null),
    gatewayEndpoints(me.scopes),
  ]);
  return (
    <>
      <PageHeader title="Connect an MCP client" description="Point your MCP client at this URL. It finds the sign-in on its own: you approve it in your browser, and it gets exactly what your roles allow." />
      <Card>
        <h2 className="text-sm font-medium text-slate-700">MCP server URL</h2>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <code className="break-all rounded-md bg-slate-100 px-3 py-2 text-base text-slate-900" data-testid="mcp-url">{mcpResource}</code>
          <CopyButton text={mcpResource} label="Copy the MCP server URL" />
        </div>
        <ol className="mt-4 list-decimal space-y-1 pl-5 text-sm text-slate-600">
          <li>Your client reads this server&apos;s metadata and {issuerMode === "builtin" ? "identifies itself to Portcullis — by its metadata document, or by registering (below)" : "registers with AuthKit"}.</li>
          <li>A new client waits for an IAM admin&apos;s approval; until then, the sign-in page says so. Ask your admin if it takes long.</li>
          <li>You sign in and choose which scopes it gets. It can never get more than your roles allow.</li>
        </ol>
      </Card>

      <div className="mt-6 grid items-start gap-4 lg:grid-cols-2">
        {clientConfigurations(mcpResource).map((c) => (
          <ConfigSnippet key={c.id} {...c} />
        ))}
      </div>

      {issuerMode === "builtin" ? <RegistrationPaths issuer={issuer} registrationEndpoint={`${issuer}${ENDPOINT_PATHS.registration}`} /> : null}
      {endpoints.map((endpoint) => (
        <Card key={endpoint.name} title={`${endpoint.name} (through Portcullis)`} className="mt-6">
          <div data-testid={`gateway-endpoint-${endpoint.name}`}>
            {endpoint.description ? <p className="mb-2 text-sm text-slate-600">{endpoint.description}</p> : null}
            <div className="flex flex-wrap items-center gap-3">
              <code className="break-all rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-900">{endpoint.resource}</code>
              <CopyButton text={endpoint.resource} label={`Copy the ${endpoint.name} URL`} />
            </div>
            <p className="mt-2 text-xs text-slate-500">Tools your roles allow here: {endpoint.tools.join(", ")}</p>
            <div className="mt-4 grid items-start gap-4 lg:grid-cols-2">
              {clientConfigurations(endpoint.resource, endpoint.name).map((c) => (
                <ConfigSnippet key={c.id} {...c} id={`${endpoint.name}-${c.id}`} />
              ))}
            </div>
          </div>
        </Card>
      ))}

      <Card title="Tools you can call" className="mt-6">
        {callable.length === 0 ? (
          <p className="text-sm text-slate-600">Your roles allow none of the MCP tools yet. Ask an IAM admin for a role.</p>
        ) : (
          <ul className="grid gap-2 sm:grid-cols-2" data-testid="callable-tools">
            {callable.map((t) => (
              <li key={t.name} className="text-sm">
                <code className="font-medium text-slate-900">{t.name}</code> <span className="text-xs text-slate-500">({t.requiredScope})</span>
                <div className="text-xs text-slate-600">{t.description}</div>
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3 text-xs text-slate-500">A call also needs the client to be allowed the scope, and your consent to have given it.</p>
      </Card>

      <Card title="Your grants" className="mt-6">
        {grants ? (
          <>
            <p className="mb-3 text-sm text-slate-600">Each MCP client you let act for you. Revoking one stops its tokens on their next use.</p>
            <OwnGrants
              canRevoke
              grants={grants.rows.map((g) => ({
                id: g.id,
                clientName: g.clientName,
                clientId: g.clientId,
                scopes: g.scopes,
                status: g.status,
                createdAt: g.createdAt.toISOString(),
                lastUsedAt: g.lastUsedAt?.toISOString() ?? null,
                expiresAt: g.expiresAt?.toISOString() ?? null,
              }))}
            />
          </>
        ) : (
          <p className="text-sm text-slate-600">You need the grants:own scope to see and revoke your grants here.</p>
        )}
      </Card>

      {consents ? (
        <Card title="Remembered consents" className="mt-6">
          <p className="mb-3 text-sm text-slate-600">
            Clients that may be authorized again without asking you, for these scopes and this redirect URI only. Withdrawing one makes the client ask
            next time; revoking a grant above withdraws its consent too.
          </p>
          <RememberedConsents consents={consents.map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString() }))} />
        </Card>
      ) : null}
    </>
  );
}
