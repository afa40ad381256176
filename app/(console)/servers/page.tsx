import { Forbidden } from "@/components/console/forbidden";
import { AddServerForm } from "@/components/servers/add-server-form";
import { DefinitionDiffView } from "@/components/servers/definition-diff-view";
import { AcceptToolsButton, EditServerForm, ServerActions } from "@/components/servers/server-actions";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { consoleUser } from "@/lib/auth/console-user";
import { definitionDiff } from "@/lib/gateway/definition-diff";
import { loadUpstreamServers } from "@/lib/gateway/load-upstream-servers";

export const metadata = { title: "Servers" };

export default async function ServersPage() {
  const me = await consoleUser();
  if (!me.scopes.has("servers:read")) return <Forbidden message="You need the servers:read scope to see upstream MCP servers." />;
  const servers = await loadUpstreamServers();
  const canWrite = me.scopes.has("servers:write");
  return (
    <>
      <PageHeader
        title="Servers"
        description="Your own MCP servers behind Portcullis. Each is served at /mcp/<name> as its own protected resource: every call is authenticated, decided under the current policy, recorded, and forwarded with Portcullis's own credential for the server — never the caller's token. A new or changed tool is held until you accept it."
      />
      {servers.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-600" data-testid="no-servers">No upstream servers yet.{canWrite ? " Add one below." : ""}</p>
        </Card>
      ) : (
        servers.map((server) => (
          <Card key={server.name} title={server.name} className="mb-6">
            <div data-testid={`server-${server.name}`} className="space-y-4">
              <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
                <div><dt className="text-xs uppercase text-slate-500">Endpoint</dt><dd><code>{server.resource}</code></dd></div>
                <div><dt className="text-xs uppercase text-slate-500">Upstream</dt><dd><code>{server.url}</code></dd></div>
                <div><dt className="text-xs uppercase text-slate-500">Authentication</dt><dd>{server.authKind === "header" ? `static header ${server.headerName} (sealed)` : server.authKind === "client_credentials" ? `client credentials as ${server.oauthClientId} at ${server.tokenUrl}` : "none"}</dd></div>
                <div><dt className="text-xs uppercase text-slate-500">Default scope</dt><dd><code>{server.scope}</code></dd></div>
                <div><dt className="text-xs uppercase text-slate-500">Last contact</dt><dd><Time value={server.lastContactAt} /></dd></div>
                <div><dt className="text-xs uppercase text-slate-500">p50 latency (recent calls)</dt><dd>{server.p50LatencyMs === null ? "no calls yet" : `${Math.round(server.p50LatencyMs)} ms`}</dd></div>
                <div className="sm:col-span-2"><dt className="text-xs uppercase text-slate-500">Health</dt><dd>{server.lastError ? <Badge tone="red">{server.lastError}</Badge> : <Badge tone="green">OK</Badge>}</dd></div>
                {server.description ? <div className="sm:col-span-2"><dt className="text-xs uppercase text-slate-500">Description</dt><dd>{server.description}</dd></div> : null}
              </dl>
              <ServerActions name={server.name} canWrite={canWrite} />
              {canWrite ? <EditServerForm name={server.name} url={server.url} description={server.description} /> : null}
              <table className="w-full text-left text-sm" data-testid={`server-tools-${server.name}`}>
                <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                  <tr><th className="py-2 pr-4 font-medium">Tool</th><th className="py-2 pr-4 font-medium">State</th><th className="py-2 pr-4 font-medium">Requires</th><th className="py-2 font-medium">Description</th></tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {server.tools.map((tool) => (
                    <tr key={tool.name} data-testid={`tool-${tool.name}`}>
                      <td className="py-2 pr-4 font-mono text-xs">{tool.upstreamName}</td>
                      <td className="py-2 pr-4">{tool.state === "held" ? <Badge tone="amber">held</Badge> : <Badge tone="green">accepted</Badge>}</td>
                      <td className="py-2 pr-4 font-mono text-xs">{tool.requiredScope}</td>
                      <td className="py-2 text-xs text-slate-600">{tool.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {server.heldCount > 0 ? (
                <div className="space-y-4" data-testid={`held-${server.name}`}>
                  <div className="flex items-center justify-between">
                    <h3 className="text-sm font-semibold text-slate-900">Held for review ({server.heldCount})</h3>
                    {canWrite ? <AcceptToolsButton name={server.name} label="Accept all held tools" /> : null}
                  </div>
                  {server.tools
                    .filter((t) => t.state === "held")
                    .map((tool) => (
                      <div key={tool.name} className="space-y-2">
                        <div className="flex items-center justify-between">
                          <p className="text-sm"><code>{tool.upstreamName}</code> — {tool.definition ? "its definition changed upstream" : "new upstream tool"}</p>
                          {canWrite ? <AcceptToolsButton name={server.name} tool={tool.upstreamName} label={`Accept ${tool.upstreamName}`} /> : null}
                        </div>
                        <DefinitionDiffView lines={definitionDiff(tool.definition, tool.pendingDefinition)} />
                      </div>
                    ))}
                </div>
              ) : null}
            </div>
          </Card>
        ))
      )}
      {canWrite ? (
        <Card title="Add a server" className="mt-6">
          <AddServerForm />
        </Card>
      ) : (
        <p className="mt-6 text-sm text-slate-500">You can read servers but not change them.</p>
      )}
    </>
  );
}
