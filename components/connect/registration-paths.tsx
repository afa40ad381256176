import { Card } from "@/components/ui/page-header";

/**
 * How an MCP client gets a client_id here, primary path first (MCP 2026-07-28, client registration): a Client ID
 * Metadata Document, or — deprecated by that revision, still served — Dynamic Client Registration.
 */
export function RegistrationPaths({ issuer, registrationEndpoint }: { issuer: string; registrationEndpoint: string }) {
  const example = JSON.stringify(
    {
      client_id: "https://app.example.com/oauth/client-metadata.json",
      client_name: "Example MCP client",
      redirect_uris: ["http://127.0.0.1:33418/callback"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    },
    null,
    2,
  );
  return (
    <Card title="How clients register" className="mt-6">
      <div className="space-y-4 text-sm text-slate-600" data-testid="registration-paths">
        <section data-testid="registration-cimd">
          <h3 className="font-medium text-slate-900">Client ID Metadata Document — recommended</h3>
          <p className="mt-1">
            The client&apos;s <code>client_id</code> is an https URL where it publishes its own metadata. Portcullis fetches
            that document when the client first asks to sign in, and the consent page names the domain it came from. No
            registration request, no stored secret: the way MCP revision 2026-07-28 asks clients to identify themselves.
            Building your own client? Publish a document like this at the URL you use as <code>client_id</code>:
          </p>
          <pre className="mt-2 overflow-x-auto rounded-md bg-slate-100 p-3 text-xs text-slate-900">{example}</pre>
        </section>
        <section data-testid="registration-dcr">
          <h3 className="font-medium text-slate-900">Dynamic Client Registration — legacy</h3>
          <p className="mt-1">
            Clients written before metadata documents register at <code className="break-all">{registrationEndpoint}</code>{" "}
            (RFC 7591). It still works, but MCP 2026-07-28 deprecates it in favour of metadata documents; the client chooses
            its own name there, so the consent page says it cannot be verified.
          </p>
        </section>
        <p className="text-xs text-slate-500">
          Either way a new client waits for an IAM admin&apos;s approval. Both are advertised in{" "}
          <code className="break-all">{issuer}/.well-known/oauth-authorization-server</code>.
        </p>
      </div>
    </Card>
  );
}
