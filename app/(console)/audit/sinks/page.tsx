import { Forbidden } from "@/components/console/forbidden";
import { AddSinkForm } from "@/components/sinks/add-sink-form";
import { SinkHealthTable } from "@/components/sinks/sink-health-table";
import { Card, PageHeader } from "@/components/ui/page-header";
import { consoleUser } from "@/lib/auth/console-user";
import { loadAuditSinks } from "@/lib/sinks/load-audit-sinks";

export const metadata = { title: "Audit sinks" };
export const dynamic = "force-dynamic";

export default async function AuditSinksPage() {
  const me = await consoleUser();
  if (!me.scopes.has("audit:read")) return <Forbidden message="You need the audit:read scope to see where the audit log is streamed." />;
  const sinks = await loadAuditSinks();
  const canEdit = me.scopes.has("settings:write");
  return (
    <>
      <PageHeader
        title="Audit sinks"
        description="Where the audit log streams: every event, in chain order, at least once, from each sink's own cursor. A receiver de-duplicates by the event's seq and hash. A sink that falls behind its bound writes one alert event into the chain."
      />
      <Card>
        {sinks.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-sinks">
            No audit sinks yet. Add one {canEdit ? "below, " : ""}or with <code className="text-xs">npm run portcullis -- sinks add &lt;name&gt; --kind webhook|syslog|otlp --endpoint …</code>
          </p>
        ) : (
          <SinkHealthTable sinks={sinks} canEdit={canEdit} />
        )}
        <p className="mt-4 text-xs text-slate-500">
          Also from the CLI: <code>sinks add</code>, <code>sinks list</code>, <code>sinks test</code>, <code>sinks remove</code>. Tokens and client keys are sealed at rest with the deployment secret and never shown again.
        </p>
      </Card>
      {canEdit ? (
        <Card title="Add a sink" className="mt-6">
          <AddSinkForm />
        </Card>
      ) : null}
    </>
  );
}
